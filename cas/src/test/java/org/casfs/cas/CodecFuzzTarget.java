package org.casfs.cas;

import java.util.Arrays;

/**
 * Fuzz target for the object codecs, which decode bytes from any source (a peer, a mirror, a
 * damaged disk): the first byte picks the tree or the manifest decoder, the rest is the encoding.
 * A decoder may only answer with an object whose encoding is exactly the input (the encodings
 * are canonical, so one object has one id) or with a {@link CorruptObjectException} that says
 * why; anything else is a finding.
 */
public final class CodecFuzzTarget {
  private static final ObjectId ID = ObjectId.fromRaw(new byte[ObjectId.LENGTH]);

  private CodecFuzzTarget() {}

  public static void fuzzerTestOneInput(byte[] input) {
    if (input.length == 0) {
      return;
    }
    byte[] encoding = Arrays.copyOfRange(input, 1, input.length);
    try {
      byte[] again = (input[0] & 1) == 0
          ? TreeCodec.encode(TreeCodec.decode(ID, encoding))
          : ManifestCodec.encode(ManifestCodec.decode(ID, encoding));
      if (!Arrays.equals(again, encoding)) {
        throw new AssertionError("decoded, but encodes to other bytes: the decoder accepts a non-canonical form");
      }
    } catch (CorruptObjectException e) {
      if (e.getMessage() == null || e.getMessage().isBlank()) {
        throw new AssertionError("rejected without saying why", e);
      }
    }
  }
}
