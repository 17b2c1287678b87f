package org.casfs.cas;

/**
 * Big-endian numbers in byte arrays, for the hash values kept as fields ({@link ObjectId},
 * {@link Sha256}). Plain shifts rather than a byte-array VarHandle: ids are read from the first
 * moments of every command, before the JIT has compiled anything, where a VarHandle access costs
 * many calls. Stateless.
 */
final class BigEndian {
  private BigEndian() {}

  /** The {@code count} bytes at {@code offset} (at most 8) as one unsigned number. */
  static long get(byte[] b, int offset, int count) {
    long v = 0;
    for (int i = 0; i < count; i++) {
      v = v << 8 | (b[offset + i] & 0xff);
    }
    return v;
  }

  /** Writes the low {@code count} bytes of {@code v} at {@code offset}. */
  static void put(byte[] b, int offset, int count, long v) {
    for (int i = count - 1; i >= 0; i--) {
      b[offset + i] = (byte) v;
      v >>>= 8;
    }
  }
}
