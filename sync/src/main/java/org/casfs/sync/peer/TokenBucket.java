package org.casfs.sync.peer;

import java.util.function.LongSupplier;

/**
 * A token bucket: at most {@code burst} actions at once and {@code perSecond} on average. Used
 * to bound the work a flood of announcements can cause (service resolutions, head checks).
 * Thread-safe. Time comes from a nanosecond clock so tests can drive it.
 */
public final class TokenBucket {
  private final double perNano;
  private final double burst;
  private final LongSupplier nanoClock;
  private double tokens;
  private long last;

  public TokenBucket(double perSecond, int burst, LongSupplier nanoClock) {
    if (perSecond <= 0) {
      throw new IllegalArgumentException("rate must be positive: " + perSecond);
    }
    if (burst < 1) {
      throw new IllegalArgumentException("burst must be at least 1: " + burst);
    }
    this.perNano = perSecond / 1e9;
    this.burst = burst;
    this.nanoClock = nanoClock;
    this.tokens = burst;
    this.last = nanoClock.getAsLong();
  }

  public TokenBucket(double perSecond, int burst) {
    this(perSecond, burst, System::nanoTime);
  }

  /** Takes one token if there is one; never blocks. */
  public synchronized boolean tryAcquire() {
    long now = nanoClock.getAsLong();
    tokens = Math.min(burst, tokens + (now - last) * perNano);
    last = now;
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
