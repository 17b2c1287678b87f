package org.casfs.cas.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.casfs.cas.Seeded;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class InFlightWindowTest {
  @Test
  void aFullWindowWaitsUntilHalfOfItHasDrained() throws Exception {
    InFlightWindow window = new InFlightWindow(4);
    for (int i = 0; i < 4; i++) {
      window.acquire();
    }
    // 4 in flight; a fifth waits, then 3 are (more than half), then 2 (half): now it goes on
    assertWaitsForTwoReleases(window, window::acquire);
  }

  @Test
  void awaitEmptyReturnsOnceEveryJobIsDone() throws Exception {
    InFlightWindow window = new InFlightWindow(8);
    window.awaitEmpty(); // nothing handed out
    window.acquire();
    window.acquire();
    assertWaitsForTwoReleases(window, window::awaitEmpty);
  }

  private interface Wait {
    void run() throws InterruptedException;
  }

  /** Runs {@code wait} on a thread of its own: it is still waiting after one release, and done after two. */
  private static void assertWaitsForTwoReleases(InFlightWindow window, Wait wait) throws InterruptedException {
    CountDownLatch done = new CountDownLatch(1);
    Thread waiter = new Thread(() -> {
      try {
        wait.run();
        done.countDown();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    waiter.start();
    try {
      while (waiter.getState() != Thread.State.WAITING) {
        assertThat(waiter.isAlive()).as("the waiter waits").isTrue();
        Thread.sleep(1);
      }
      window.release();
      assertThat(done.await(200, TimeUnit.MILLISECONDS)).as("done after one release").isFalse();
      window.release();
      assertThat(done.await(10, TimeUnit.SECONDS)).as("done after two releases").isTrue();
    } finally {
      waiter.interrupt();
      waiter.join();
    }
  }

  @Test
  void aWaitingWalkerCanBeInterrupted() throws Exception {
    InFlightWindow window = new InFlightWindow(2);
    window.acquire();
    window.acquire();
    Thread.currentThread().interrupt();
    assertThatThrownBy(window::acquire).isInstanceOf(InterruptedException.class);
    assertThat(Thread.interrupted()).isFalse();
  }

  @Test
  void rejectsAWindowTooSmallToHalve() {
    assertThatThrownBy(() -> new InFlightWindow(1)).isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * A walker hands out jobs of random lengths to a pool, as an import does: the jobs in flight
   * never exceed the window, every job runs, and neither side waits forever (the timeout).
   */
  @Test
  void neverHoldsMoreThanTheWindowAndNeverStalls() throws Exception {
    Seeded.run((rnd, gen) -> {
      for (int round = 0; round < 20; round++) {
        int size = 2 + rnd.nextInt(30);
        int jobs = rnd.nextInt(2000);
        int threads = 1 + rnd.nextInt(4);
        long[] spins = new long[jobs];
        for (int i = 0; i < jobs; i++) {
          spins[i] = rnd.nextInt(4) == 0 ? rnd.nextInt(20_000) : 0;
        }
        InFlightWindow window = new InFlightWindow(size);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
          for (int i = 0; i < jobs; i++) {
            window.acquire();
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            long spin = spins[i];
            Future<?> unused = pool.submit(() -> {
              try {
                long until = System.nanoTime() + spin;
                while (System.nanoTime() < until) {
                  Thread.onSpinWait();
                }
                done.incrementAndGet();
              } finally {
                running.decrementAndGet();
                window.release();
              }
            });
          }
          window.awaitEmpty();
        } finally {
          pool.shutdownNow();
          assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(done.get()).as("jobs run, window %d, %d threads", size, threads).isEqualTo(jobs);
        assertThat(most.get()).as("most in flight, window %d", size).isLessThanOrEqualTo(size);
      }
    });
  }
}
