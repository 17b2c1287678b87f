package org.casfs.cas;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A fixed pool of named daemon threads, for work that must never keep the JVM alive (fsck's
 * checkers, the origin's delta workers, the puller's parallel GETs). Shut it down when done.
 */
public final class DaemonPool {
  private DaemonPool() {}

  public static ExecutorService fixed(int threads, String name) {
    return Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Interrupts the pool's workers and waits (up to a minute) until none runs, so that what they
   * use (an open repository) may be closed after this returns. Keeps the caller's interrupt.
   */
  public static void stopAndAwait(ExecutorService pool) {
    pool.shutdownNow();
    boolean interrupted = false;
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    while (!pool.isTerminated() && System.nanoTime() < deadline) {
      try {
        pool.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
