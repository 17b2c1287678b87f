package org.casfs.cas.io;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/** Stopping a pool of import or checkout workers. */
final class Workers {
  private Workers() {}

  /**
   * Stops the pool and waits for jobs already running (file I/O ignores interrupts) so that
   * nothing touches the store or the target once the caller returns, even after a failure.
   */
  static void stop(ExecutorService pool) {
    pool.shutdownNow();
    boolean interrupted = false;
    while (true) {
      try {
        if (pool.awaitTermination(1, TimeUnit.MINUTES)) {
          break;
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
