package org.casfs.sync.pull;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.casfs.cas.DaemonPool;

/** Fetches run side by side: the object-by-object path's parallel GETs. Stateless. */
final class ParallelJobs {
  /** One item's work. */
  @FunctionalInterface
  interface Job<T> {
    void run(T item) throws IOException;
  }

  private ParallelJobs() {}

  /**
   * Runs {@code job} for every item on {@code threads} threads; after all ended, rethrows the
   * first failure, a wrong object before a missing one (it decides whether the source is dropped).
   */
  static <T> void run(int threads, Iterable<T> items, Job<T> job) throws IOException {
    ExecutorService pool = DaemonPool.fixed(threads, "casfs-pull");
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (T item : items) {
        futures.add(pool.submit(() -> {
          job.run(item);
          return null;
        }));
      }
      IOException first = null;
      for (Future<?> f : futures) {
        try {
          f.get();
        } catch (ExecutionException e) {
          Throwable c = e.getCause();
          IOException io = c instanceof IOException x ? x : new IOException(c);
          if (first == null || first instanceof FileNotFoundException && !(io instanceof FileNotFoundException)) {
            first = io;
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("pull interrupted");
        }
      }
      if (first != null) {
        throw first;
      }
    } finally {
      pool.shutdownNow(); // not awaited: a GET blocked in a read would hold Ctrl-C up (the store refuses calls once closed)
    }
  }
}
