package org.casfs.sync.pull;

/**
 * A snapshot of a pull's progress, for progress bars.
 *
 * @param bytesDone object bytes verified and stored so far
 * @param bytesTotal object bytes this pull needs (known once the trees are in; 0 before)
 */
public record PullProgress(String phase, long bytesDone, long bytesTotal, long objectsDone, long objectsTotal,
    long elapsedNanos) {
  /** Bytes per second so far. */
  public double rate() {
    return elapsedNanos <= 0 ? 0 : bytesDone * 1e9 / elapsedNanos;
  }

  /** Seconds left at the rate so far, or -1 when unknown. */
  public long etaSeconds() {
    double r = rate();
    return bytesTotal <= 0 || r <= 0 ? -1 : (long) Math.ceil((bytesTotal - bytesDone) / r);
  }
}
