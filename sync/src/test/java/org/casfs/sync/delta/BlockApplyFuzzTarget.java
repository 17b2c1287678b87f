package org.casfs.sync.delta;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Fuzz target for applying a block-engine delta ({@link BlockDelta}) from an untrusted peer to a
 * blob this machine holds. Input: the old blob's length (2 bytes) and bytes, the new blob's length
 * (4 bytes, at most 1 MiB here), then the delta body. The engine may only write exactly the
 * promised length or throw {@link DeltaFormatException}; anything else (another exception,
 * running out of memory, not ending) is a finding.
 */
public final class BlockApplyFuzzTarget {
  private BlockApplyFuzzTarget() {}

  public static void fuzzerTestOneInput(byte[] input) throws IOException {
    FuzzedDelta d = FuzzedDelta.readOrNull(ByteBuffer.wrap(input));
    if (d == null) {
      return;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      new BlockDelta(3).apply(BlobSource.of(d.old()), new ByteArrayInputStream(d.body()), d.newSize(), out);
      if (out.size() != d.newSize()) {
        throw new AssertionError("applied to " + out.size() + " bytes, not the " + d.newSize() + " promised");
      }
    } catch (DeltaFormatException e) {
      // rejected, as it should be
    }
  }
}
