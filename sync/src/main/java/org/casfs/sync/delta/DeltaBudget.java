package org.casfs.sync.delta;

/**
 * How much CPU and memory computing one file's deltas may use, and when a delta is worth
 * keeping. Immutable; validated when built.
 *
 * @param memoryBytes no engine runs whose stated working memory ({@link DeltaEncoder#encodeMemory})
 *     for the pair is over this
 * @param bsdiffLimit bsdiff (slow, ~25x memory) only for old and new blobs up to this size
 * @param zstdLevel zstd level for blobs up to {@code largeBlob}
 * @param largeZstdLevel zstd level for larger blobs (CPU: level 19 on hundreds of MiB is minutes)
 * @param largeBlob the size above which a blob counts as large
 * @param keepRatio keep a delta only if it is at most this share of the zstd-compressed whole blob
 * @param heapBytes the Java heap one computation may fill with blobs and the delta it makes: blobs
 *     are read whole up to a quarter of it (larger ones by range), and a delta is abandoned once
 *     it grows past a quarter. A laptop's daemon has a 160 MiB heap: a delta of a large file
 *     changed throughout, grown to 128 MiB, took all of it (OutOfMemoryError, and the neighbour
 *     that asked got nothing)
 */
public record DeltaBudget(long memoryBytes, int bsdiffLimit, int zstdLevel, int largeZstdLevel, long largeBlob,
    double keepRatio, long heapBytes) {
  public DeltaBudget {
    if (memoryBytes <= 0 || bsdiffLimit < 0 || largeBlob < 0 || heapBytes <= 0) {
      throw new IllegalArgumentException("memory, bsdiff limit, large-blob size and heap must not be negative");
    }
    if (zstdLevel < 1 || zstdLevel > 22 || largeZstdLevel < 1 || largeZstdLevel > 22) {
      throw new IllegalArgumentException("zstd levels must be 1..22");
    }
    if (!(keepRatio > 0 && keepRatio <= 1)) {
      throw new IllegalArgumentException("keep ratio must be in (0, 1]");
    }
  }

  /**
   * The origin's default: 512 MiB of working memory, bsdiff up to 8 MiB, zstd 19 up to 8 MiB and
   * 12 above, keep deltas at most 90% of the compressed blob; 512 MiB of heap (deltas up to the
   * 128 MiB a receiver takes).
   */
  public static DeltaBudget defaults() {
    return new DeltaBudget(512L << 20, 8 << 20, 19, 12, 8L << 20, 0.9, 512L << 20);
  }

  /**
   * For deltas computed on demand by a peer while a client waits: no bsdiff, cheaper levels, and
   * 64 MiB of heap (a laptop daemon's is 160 MiB): blobs read whole up to 16 MiB, deltas up to 16
   * MiB (a larger one goes as the whole blob).
   */
  public static DeltaBudget onDemand() {
    return new DeltaBudget(256L << 20, 0, 15, 9, 8L << 20, 0.9, 64L << 20);
  }

  public DeltaBudget withBsdiffLimit(int limit) {
    return new DeltaBudget(memoryBytes, limit, zstdLevel, largeZstdLevel, largeBlob, keepRatio, heapBytes);
  }

  /** Blobs up to this size are read whole; larger ones by range. */
  long inMemoryBlobBytes() {
    return Math.min(BlobSources.IN_MEMORY, heapBytes / 4);
  }

  /** A delta is abandoned once it is larger than this. */
  long maxDeltaBytes() {
    return Math.min(DeltaService.MAX_DELTA_BYTES, heapBytes / 4);
  }
}
