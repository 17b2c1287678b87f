package org.casfs.sync;

import org.casfs.cas.FuzzCorpus;
import org.casfs.sync.delta.BlockApplyFuzzTarget;
import org.casfs.sync.delta.DeltaApplyFuzzTarget;
import org.casfs.sync.peer.AnnouncementFuzzTarget;
import org.casfs.sync.server.ByteRangeFuzzTarget;
import org.casfs.sync.trust.SignedHeadFuzzTarget;
import org.casfs.sync.wire.WireFuzzTarget;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fuzz corpora of everything sync reads from the network, replayed on every test run: the
 * inputs {@code tools/fuzz/run.sh} kept, and any that once found a bug.
 */
class FuzzCorpusTest {
  @ParameterizedTest
  @ValueSource(classes = {SignedHeadFuzzTarget.class, WireFuzzTarget.class, DeltaApplyFuzzTarget.class,
      BlockApplyFuzzTarget.class, ByteRangeFuzzTarget.class, AnnouncementFuzzTarget.class})
  void everyCorpusInputIsHandledAsTheTargetPromises(Class<?> target) throws Exception {
    FuzzCorpus.replay(target);
  }
}
