package org.casfs.sync.pull;

import java.time.Duration;
import org.casfs.sync.wire.RateLimit;

/**
 * Limits of a pull.
 *
 * @param minBytesPerSecond a source slower than this over a {@code rateWindow} (all its transfers
 *     together) is given up on while other sources are left; the last one left only below
 *     {@link #lastSourceMinBytesPerSecond}
 * @param rateWindow the window over which the rate is judged
 * @param stallTimeout a source that sends nothing for this long is given up on
 * @param connectTimeout for opening connections
 * @param parallelGets objects fetched at once when walking a static mirror; also the most threads
 *     that store a fetch stream's blobs (at most one per core)
 * @param attempts how many rounds over the sources that store nothing before giving up (a round
 *     that stores something, over a link that keeps dropping, does not count)
 * @param diskReserveBytes free space to leave on the repository's filesystem
 * @param downloadLimit what an HTTP source may send at most, all together; null for no limit
 */
public record PullConfig(long minBytesPerSecond, Duration rateWindow, Duration stallTimeout, Duration connectTimeout,
    int parallelGets, int attempts, long diskReserveBytes, RateLimit downloadLimit) {
  public PullConfig {
    if (minBytesPerSecond < 0 || parallelGets < 1 || attempts < 1 || diskReserveBytes < 0) {
      throw new IllegalArgumentException("pull limits must be positive");
    }
  }

  public static PullConfig defaults() {
    return new PullConfig(4096, Duration.ofSeconds(20), Duration.ofSeconds(30), Duration.ofSeconds(10), 8, 3,
        64L << 20, null);
  }

  /**
   * The floor for the only source left: a sixteenth of {@code minBytesPerSecond} (256 bytes a
   * second by default, 2 kbit/s: an update of ~1 MB still arrives within the hour), so that a poor
   * link delivers slowly rather than never, while a source that trickles a byte now and then is
   * still given up on in bounded time.
   */
  public long lastSourceMinBytesPerSecond() {
    return minBytesPerSecond / 16;
  }

  public PullConfig withRate(long minBytesPerSecond, Duration window, Duration stall) {
    return new PullConfig(minBytesPerSecond, window, stall, connectTimeout, parallelGets, attempts, diskReserveBytes,
        downloadLimit);
  }

  public PullConfig withAttempts(int n) {
    return new PullConfig(minBytesPerSecond, rateWindow, stallTimeout, connectTimeout, parallelGets, n, diskReserveBytes,
        downloadLimit);
  }

  public PullConfig withParallelGets(int n) {
    return new PullConfig(minBytesPerSecond, rateWindow, stallTimeout, connectTimeout, n, attempts, diskReserveBytes,
        downloadLimit);
  }

  /**
   * Receives at most {@code limit}'s bytes a second from HTTP sources, all together (null: no
   * limit). Sources then share the limit: one under the floor is dropped while others are left,
   * and the last one is kept down to {@link #lastSourceMinBytesPerSecond}; a limit under twice that
   * would make even the last source look too slow: refused.
   */
  public PullConfig withDownloadLimit(RateLimit limit) {
    if (limit != null && limit.bytesPerSecond() < 2 * lastSourceMinBytesPerSecond()) {
      throw new IllegalArgumentException("a download limit of " + limit.bytesPerSecond() + " bytes a second is under"
          + " twice the " + lastSourceMinBytesPerSecond() + " even the only source left must send to be kept");
    }
    return new PullConfig(minBytesPerSecond, rateWindow, stallTimeout, connectTimeout, parallelGets, attempts,
        diskReserveBytes, limit);
  }
}
