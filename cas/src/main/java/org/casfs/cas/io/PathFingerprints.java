package org.casfs.cas.io;

import java.util.Arrays;

/**
 * A set of paths kept as 64-bit fingerprints, 8 bytes a path: what the stat cache needs to know
 * after an import which of its entries name a file the import saw, without the import holding
 * every path. A fingerprint shared by two paths (about one pair in 2^64) can only keep a stale
 * entry, which is never used: an entry must match its file's inode, size and times. Adding is for
 * one thread; {@link #contains} after {@link #freeze}.
 */
final class PathFingerprints {
  private long[] prints = new long[1024];
  private int size;
  private boolean frozen;

  void add(byte[] path) {
    if (size == prints.length) {
      prints = Arrays.copyOf(prints, size + (size >> 1));
    }
    prints[size++] = of(path);
  }

  /** Ends adding; sorts the fingerprints for lookups. */
  void freeze() {
    Arrays.sort(prints, 0, size);
    frozen = true;
  }

  boolean contains(byte[] path) {
    if (!frozen) {
      throw new IllegalStateException("contains before freeze");
    }
    return Arrays.binarySearch(prints, 0, size, of(path)) >= 0;
  }

  /** FNV-1a over the bytes, then a finalizer that spreads every input bit over the result. */
  static long of(byte[] path) {
    long h = 0xcbf29ce484222325L;
    for (byte b : path) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    return h ^ (h >>> 33);
  }
}
