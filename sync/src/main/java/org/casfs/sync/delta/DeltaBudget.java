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
 */
public record DeltaBudget(long memoryBytes, int bsdiffLimit, int zstdLevel, int largeZstdLevel, long largeBlob,
    double keepRatio) {
  public DeltaBudget {
    if (memoryBytes <= 0 || bsdiffLimit < 0 || largeBlob < 0) {
      throw new IllegalArgumentException("memory, bsdiff limit and large-blob size must not be negative");
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
   * 12 above, keep deltas at most 90% of the compressed blob.
   */
  public static DeltaBudget defaults() {
    return new DeltaBudget(512L << 20, 8 << 20, 19, 12, 8L << 20, 0.9);
  }

  /** For deltas computed on demand by a peer while a client waits: zstd only, cheaper levels. */
  public static DeltaBudget onDemand() {
    return new DeltaBudget(256L << 20, 0, 15, 9, 8L << 20, 0.9);
  }

  public DeltaBudget withBsdiffLimit(int limit) {
    return new DeltaBudget(memoryBytes, limit, zstdLevel, largeZstdLevel, largeBlob, keepRatio);
  }
}
