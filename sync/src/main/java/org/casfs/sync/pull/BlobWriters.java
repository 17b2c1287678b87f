package org.casfs.sync.pull;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Stores blobs read from a fetch stream on a few threads, so that verifying and writing them runs
 * beside reading and decompressing the stream. Memory is bounded: at most {@code
 * maxBytesInFlight} of read but not yet stored bytes (kept small: bytes in memory are lost if the
 * process is killed, and a rerun fetches them again). The first failure (a blob that does not verify) is rethrown to the reader
 * at its next submit or at {@link #finish()}. One reader thread; not otherwise thread-safe.
 */
final class BlobWriters implements AutoCloseable {
  /** Blobs up to this size are read into memory and stored on a writer thread; larger ones inline. */
  static final int MAX_PIPELINED = 1 << 20;
  /**
   * Deltas (frames up to {@link #MAX_PIPELINED}) that rebuild blobs up to this size are applied on
   * a writer thread too. The budget counts such a frame and at most {@link #MAX_PIPELINED} of its
   * blob: the rest of a rebuild's memory (old blob, new blob, work: about 4x the blob) is bounded by
   * the number of threads, each rebuilding one blob at a time. In the Debian v1 -> v2 update, the
   * two largest (perl, 3.8 MB; libapt-pkg, 2 MB) then no longer stop the stream while they are rebuilt.
   */
  static final int MAX_REBUILT = 8 << 20;

  @FunctionalInterface
  interface Job {
    void run() throws IOException;
  }

  private final ExecutorService pool;
  private final Semaphore budgetKiB;
  private final int threads;
  private final AtomicReference<IOException> failure = new AtomicReference<>();

  BlobWriters(int threads, long maxBytesInFlight) {
    this.threads = threads;
    this.pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "casfs-pull-store");
      t.setDaemon(true);
      return t;
    });
    this.budgetKiB = new Semaphore((int) Math.max(MAX_PIPELINED >> 10, maxBytesInFlight >> 10));
  }

  private static int permits(long size) {
    return (int) Math.max(1, (size + 1023) >> 10);
  }

  /** Waits for budget for {@code size} bytes; call before reading them. */
  void reserve(long size) throws IOException {
    rethrow();
    try {
      budgetKiB.acquire(permits(size));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("pull interrupted");
    }
  }

  /** Runs {@code job} on a writer thread; releases the reserved budget for {@code size} after. */
  void submit(long size, Job job) throws IOException {
    pool.execute(() -> {
      try {
        if (failure.get() == null) {
          job.run();
        }
      } catch (IOException e) {
        failure.compareAndSet(null, e);
      } catch (RuntimeException e) {
        failure.compareAndSet(null, new IOException(e));
      } finally {
        budgetKiB.release(permits(size));
      }
    });
    rethrow();
  }

  private void rethrow() throws IOException {
    IOException e = failure.get();
    if (e != null) {
      throw e;
    }
  }

  /** Waits until every submitted blob is stored; rethrows the first failure. */
  void finish() throws IOException {
    pool.shutdown();
    try {
      while (!pool.awaitTermination(1, java.util.concurrent.TimeUnit.SECONDS)) {
        // keep waiting: each job is bounded by its blob's size
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("pull interrupted");
    }
    rethrow();
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
