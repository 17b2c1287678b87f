package org.casfs.sync.delta;

/**
 * A polynomial hash of a fixed-length window of bytes that moves one byte in O(1): {@code h =
 * sum(b[i] * M^(n-1-i))} modulo 2^64. Used to find, at any byte offset of a new blob, the blocks
 * of an old blob it repeats ({@link BlockIndex}); a match is always confirmed by comparing the
 * bytes, so collisions cost time, never correctness. Immutable.
 */
final class RollingHash {
  private static final long M = 0x100000001B3L * 0x9E3779B97F4A7C15L | 1;

  private final int length;
  /** M^(length-1), the weight of the byte that leaves the window. */
  private final long outWeight;

  RollingHash(int length) {
    if (length < 1) {
      throw new IllegalArgumentException("window of " + length + " bytes");
    }
    this.length = length;
    long w = 1;
    for (int i = 1; i < length; i++) {
      w *= M;
    }
    this.outWeight = w;
  }

  int length() {
    return length;
  }

  /** The hash of {@code b[off, off + length)}. */
  long of(byte[] b, int off) {
    long h = 0;
    for (int i = off, end = off + length; i < end; i++) {
      h = h * M + (b[i] & 0xff);
    }
    return h;
  }

  /** The hash of the window moved one byte on: {@code out} left it, {@code in} entered it. */
  long roll(long h, byte out, byte in) {
    return (h - (out & 0xff) * outWeight) * M + (in & 0xff);
  }
}
