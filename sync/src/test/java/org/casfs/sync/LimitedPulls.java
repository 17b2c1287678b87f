package org.casfs.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.Callable;
import org.casfs.cas.ObjectId;
import org.casfs.sync.pull.Puller;

/** Test support for rate limits: a pull that must take no less time than its bytes allow. */
public final class LimitedPulls {
  /** The limit the tests set: low enough to measure over loopback, high enough to finish in seconds. */
  public static final long RATE = 256 * 1024;

  private LimitedPulls() {}

  /** A version of ~1 MB (20 files, some large) that {@code origin} signs and offers. */
  public static ObjectId publishedVersion(Origin origin) throws java.io.IOException {
    ObjectId v = TestImages.version(origin.repo.objectDatabase(), "stable", 1, 7, 2, 10, 0, null);
    origin.publish(v);
    return v;
  }

  /**
   * Runs {@code pull}, which must end on {@code version} after more than 512 KiB (enough to
   * measure), and checks it took at least what {@code bytesPerSecond} allows for what it received,
   * less the quarter second's worth a limit lets go at once (and 5% for the clock). A lower bound
   * only: a busy machine makes a pull slower, never faster.
   */
  public static void assertNoFasterThan(long bytesPerSecond, ObjectId version, Callable<Puller.Result> pull)
      throws Exception {
    long start = System.nanoTime();
    Puller.Result r = pull.call();
    double seconds = (System.nanoTime() - start) / 1e9;
    assertThat(r.manifest()).isEqualTo(version);
    assertThat(r.bytesReceived()).as("enough bytes to measure").isGreaterThan(512L * 1024);
    double floor = (r.bytesReceived() - bytesPerSecond / 4.0) / bytesPerSecond;
    assertThat(seconds).as(r.bytesReceived() + " bytes at most " + bytesPerSecond + " a second")
        .isGreaterThan(floor * 0.95);
  }
}
