package org.casfs.cas;

import org.junit.jupiter.api.Test;

/** The codecs' fuzz corpus ({@link CodecFuzzTarget}) replayed on every test run. */
class CodecFuzzCorpusTest {
  @Test
  void everyCorpusInputIsDecodedCanonicallyOrRejectedWithAReason() throws Exception {
    FuzzCorpus.replay(CodecFuzzTarget.class);
  }
}
