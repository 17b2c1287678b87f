package org.casfs.cas.io;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The jobs one walking thread has handed to a pool of workers and not yet seen done, bounded so
 * that the walk cannot run arbitrarily far ahead of them. The walk lists and stats while the
 * workers read and hash or write, so it is usually the faster: a full window therefore waits
 * until half of it has drained, not until the next job is done. Woken for each job done, the
 * walker and the workers woke each other through the kernel once per file: 7% of the CPU an import
 * of an image the store mostly holds already spent (async-profiler; docs/BENCHMARKS.md).
 *
 * <p>One thread acquires; any thread releases.
 */
final class InFlightWindow {
  /**
   * Jobs per worker in flight: a queued file costs its node or entry (a few hundred bytes), never
   * its contents, which the workers read into buffers of their own. An import of v2 on top of v1
   * in a running server, woken for each file: 4 per worker 0.26-0.29 s, 16 0.23-0.26, 64 or 256
   * 0.23-0.24. With this class's half-window wake-ups, in five alternating rounds: 16 per worker
   * 0.22-0.25 s, 64 0.22-0.24 (docs/BENCHMARKS.md).
   */
  static final int JOBS_PER_WORKER = 64;

  private final int size;
  private final int resumeAt;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final Object drained = new Object();

  /** A window of {@code size} jobs (at least 2). */
  InFlightWindow(int size) {
    if (size < 2) {
      throw new IllegalArgumentException("a window needs at least 2 jobs: " + size);
    }
    this.size = size;
    this.resumeAt = size / 2;
  }

  /** A window of {@code perWorker} jobs for each of {@code workers} (at least 2 in all). */
  static InFlightWindow forWorkers(int workers, int perWorker) {
    return new InFlightWindow(Math.max(2, workers * perWorker));
  }

  /** Takes a place for one more job, first waiting for half the window to drain if it is full. */
  void acquire() throws InterruptedException {
    if (inFlight.get() >= size) {
      awaitAtMost(resumeAt);
    }
    inFlight.incrementAndGet();
  }

  /** One job is done (or was never run). */
  void release() {
    int now = inFlight.decrementAndGet();
    if (now == resumeAt || now == 0) {
      synchronized (drained) {
        drained.notifyAll();
      }
    }
  }

  /** Waits until every job handed out is done. */
  void awaitEmpty() throws InterruptedException {
    awaitAtMost(0);
  }

  private void awaitAtMost(int jobs) throws InterruptedException {
    synchronized (drained) {
      // release() passes through every count and notifies at both marks while holding the lock,
      // so it cannot slip between this check and the wait.
      while (inFlight.get() > jobs) {
        drained.wait();
      }
    }
  }
}
