package org.casfs.sync.delta;

import java.io.IOException;

/**
 * The blocks of an old blob by their {@link RollingHash}: every whole block at a multiple of the
 * block size, the first of identical ones kept. An open-addressing table in two primitive arrays
 * (12 bytes a slot, at most half full): at most {@link #MAX_BLOCKS} blocks, so the index of any
 * blob stays under {@link #memory}. Built in one sequential pass; not thread-safe to build,
 * read-only after.
 */
final class BlockIndex {
  /** Blocks indexed at most: the block size grows with the old blob to keep to this. */
  static final int MAX_BLOCKS = 1 << 20;
  /**
   * The smallest block: a change costs up to about a block more than its own size (where the
   * blobs first differ and match again inside a block), and smaller blocks cost index memory.
   */
  static final int MIN_BLOCK = 4096;
  private static final int READ = 1 << 20;
  private static final long MIX = 0x9E3779B97F4A7C15L;

  private final RollingHash hash;
  private final long[] keys;
  /** Block number + 1 per slot; 0 is an empty slot. */
  private final int[] blocks;
  private final int shift;
  /**
   * One bit per hash value modulo its size, set for every indexed block: 8 bits a slot's worth of
   * blocks, so most positions that match nothing are told so from a small array that stays in
   * the CPU's cache instead of from the table (a cache miss a byte: 18 ns a byte scanned).
   */
  private final long[] filter;
  private final int filterShift;

  private BlockIndex(RollingHash hash, int slots) {
    this.hash = hash;
    this.keys = new long[slots];
    this.blocks = new int[slots];
    this.shift = 64 - Integer.numberOfTrailingZeros(slots);
    int filterBits = Math.max(64, slots * 4);
    this.filter = new long[filterBits / 64];
    this.filterShift = 64 - Integer.numberOfTrailingZeros(filterBits);
  }

  /** The block size for an old blob of this size: a power of two, at least {@code minBlock}. */
  static int blockSize(long oldSize, int minBlock) {
    long perBlock = Math.max(minBlock, (oldSize + MAX_BLOCKS - 1) / MAX_BLOCKS);
    return (int) Long.highestOneBit(perBlock * 2 - 1);
  }

  /** Heap the index of an old blob of this size takes. */
  static long memory(long oldSize, int minBlock) {
    long slots = slots(oldSize / blockSize(oldSize, minBlock));
    return 12 * slots + slots / 2 + READ;
  }

  private static int slots(long blockCount) {
    return (int) Math.max(16, Long.highestOneBit(Math.max(1, blockCount) * 4 - 1));
  }

  /** Reads {@code old} once from start to end and indexes its whole blocks. */
  static BlockIndex of(BlobSource old, int minBlock) throws IOException {
    int size = blockSize(old.size(), minBlock);
    long count = old.size() / size;
    BlockIndex index = new BlockIndex(new RollingHash(size), slots(count));
    int perRead = Math.max(1, READ / size);
    byte[] buf = new byte[perRead * size];
    for (long block = 0; block < count; block += perRead) {
      int n = (int) Math.min(perRead, count - block);
      old.readFully(block * size, buf, 0, n * size);
      for (int i = 0; i < n; i++) {
        index.add(index.hash.of(buf, i * size), (int) (block + i));
      }
    }
    return index;
  }

  RollingHash hash() {
    return hash;
  }

  int blockSize() {
    return hash.length();
  }

  private void add(long h, int block) {
    int bit = (int) (h >>> filterShift);
    filter[bit >>> 6] |= 1L << bit;
    for (int slot = slot(h); ; slot = (slot + 1) & (keys.length - 1)) {
      if (blocks[slot] == 0) {
        keys[slot] = h;
        blocks[slot] = block + 1;
        return;
      }
      if (keys[slot] == h) {
        return; // an earlier block with this hash serves
      }
    }
  }

  /** False if no block has the hash {@code h}; true if one may have it. */
  boolean mayHave(long h) {
    int bit = (int) (h >>> filterShift);
    return (filter[bit >>> 6] & (1L << bit)) != 0;
  }

  /** The number of a block whose hash is {@code h}, or -1. */
  int find(long h) {
    for (int slot = slot(h); ; slot = (slot + 1) & (keys.length - 1)) {
      int b = blocks[slot];
      if (b == 0) {
        return -1;
      }
      if (keys[slot] == h) {
        return b - 1;
      }
    }
  }

  private int slot(long h) {
    return (int) ((h * MIX) >>> shift);
  }
}
