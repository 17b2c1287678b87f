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
    CountDownLatch fifthTaken = new CountDownLatch(1);
    Thread walker = new Thread(() -> {
      try {
        window.acquire();
        fifthTaken.countDown();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    walker.start();
    try {
      awaitWaiting(walker);
      window.release(); // 3 in flight: still more than half
      assertThat(fifthTaken.await(200, TimeUnit.MILLISECONDS)).isFalse();
      window.release(); // 2: half
      assertThat(fifthTaken.await(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      walker.interrupt();
      walker.join();
    }
  }

  @Test
  void awaitEmptyReturnsOnceEveryJobIsDone() throws Exception {
    InFlightWindow window = new InFlightWindow(8);
    window.awaitEmpty(); // nothing handed out
    window.acquire();
    window.acquire();
    CountDownLatch empty = new CountDownLatch(1);
    Thread waiter = new Thread(() -> {
      try {
        window.awaitEmpty();
        empty.countDown();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    waiter.start();
    try {
      awaitWaiting(waiter);
      window.release();
      assertThat(empty.await(200, TimeUnit.MILLISECONDS)).isFalse();
      window.release();
      assertThat(empty.await(10, TimeUnit.SECONDS)).isTrue();
    } finally {
      waiter.interrupt();
      waiter.join();
    }
  }

  private static void awaitWaiting(Thread t) throws InterruptedException {
    while (t.getState() != Thread.State.WAITING) {
      assertThat(t.isAlive()).as("%s is still running", t.getName()).isTrue();
      Thread.sleep(1);
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
