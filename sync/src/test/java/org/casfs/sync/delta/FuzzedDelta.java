package org.casfs.sync.delta;

import java.nio.ByteBuffer;

/**
 * What the delta fuzz targets read after any selector byte: the old blob's length (2 bytes) and
 * bytes, the new blob's length (4 bytes, at most 1 MiB here), then the delta body.
 */
record FuzzedDelta(byte[] old, int newSize, byte[] body) {
  private static final int MAX_NEW = (1 << 20) - 1;

  /** The rest of {@code in} read as a fuzzed delta, or null if it is too short to be one. */
  static FuzzedDelta readOrNull(ByteBuffer in) {
    if (in.remaining() < 6) {
      return null;
    }
    byte[] old = new byte[in.getShort() & 0xffff];
    if (in.remaining() < old.length + 4) {
      return null;
    }
    in.get(old);
    int newSize = in.getInt() & MAX_NEW;
    byte[] body = new byte[in.remaining()];
    in.get(body);
    return new FuzzedDelta(old, newSize, body);
  }
}
