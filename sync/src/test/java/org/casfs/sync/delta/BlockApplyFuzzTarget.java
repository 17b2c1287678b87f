package org.casfs.sync.delta;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Fuzz target for applying a block-engine delta ({@link BlockDelta}) from an untrusted peer to a
 * blob this machine holds. Input: the old blob's length (2 bytes) and bytes, the new blob's length
 * (4 bytes, at most 1 MiB here), then the delta body. The engine may only write exactly the
 * promised length or throw {@link DeltaFormatException}; anything else (another exception,
 * running out of memory, not ending) is a finding.
 */
public final class BlockApplyFuzzTarget {
  private static final int MAX_NEW = (1 << 20) - 1;

  private BlockApplyFuzzTarget() {}

  public static void fuzzerTestOneInput(byte[] input) throws IOException {
    if (input.length < 6) {
      return;
    }
    ByteBuffer in = ByteBuffer.wrap(input);
    byte[] old = new byte[in.getShort() & 0xffff];
    if (in.remaining() < old.length + 4) {
      return;
    }
    in.get(old);
    int newSize = in.getInt() & MAX_NEW;
    byte[] body = Arrays.copyOfRange(input, in.position(), input.length);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      new BlockDelta(3).apply(BlobSource.of(old), new ByteArrayInputStream(body), newSize, out);
      if (out.size() != newSize) {
        throw new AssertionError("applied to " + out.size() + " bytes, not the " + newSize + " promised");
      }
    } catch (DeltaFormatException e) {
      // rejected, as it should be
    }
  }
}
