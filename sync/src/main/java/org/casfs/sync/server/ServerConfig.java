package org.casfs.sync.server;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * How a {@link Server} listens and what it allows.
 *
 * @param address where to listen (port 0 picks a free port)
 * @param threads requests handled at once; more wait for a thread (bounded work, bounded memory)
 * @param maxRequestBytes the largest request body accepted (fetch requests list ids)
 * @param zstdLevel compression level of fetch streams for clients that accept zstd (0: never
 *     compress); streams under 32 MiB of blobs use at least 9
 * @param shutdownGrace how long {@link Server#close()} lets running requests finish
 */
public record ServerConfig(InetSocketAddress address, int threads, int maxRequestBytes, int zstdLevel,
    Duration shutdownGrace) {
  public ServerConfig {
    if (threads < 1 || threads > 1024) {
      throw new IllegalArgumentException("threads must be 1 to 1024: " + threads);
    }
    if (maxRequestBytes < 1024) {
      throw new IllegalArgumentException("maximum request size must be at least 1 KiB: " + maxRequestBytes);
    }
    if (zstdLevel < 0 || zstdLevel > 19) {
      throw new IllegalArgumentException("zstd level must be 0 to 19: " + zstdLevel);
    }
  }

  /**
   * Level 1 for whole versions: measured with {@code FullPullBench} (full v1 pull, disk, same
   * load): 86-87 MB/s and 48.8 MB on the wire at 1, 53-54 MB/s and 40.9 MB at 3, 59-72 MB/s and
   * 116 MB uncompressed. Updates (under 32 MiB of blobs) still use at least 9.
   */
  public static final int DEFAULT_ZSTD_LEVEL = 1;

  public static ServerConfig loopback(int port) {
    return new ServerConfig(new InetSocketAddress("127.0.0.1", port), 16, 32 << 20, DEFAULT_ZSTD_LEVEL,
        Duration.ofSeconds(5));
  }

  public ServerConfig withThreads(int n) {
    return new ServerConfig(address, n, maxRequestBytes, zstdLevel, shutdownGrace);
  }

  public ServerConfig withZstdLevel(int level) {
    return new ServerConfig(address, threads, maxRequestBytes, level, shutdownGrace);
  }
}
