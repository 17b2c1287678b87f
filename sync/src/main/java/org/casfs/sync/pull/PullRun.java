package org.casfs.sync.pull;

import java.io.IOException;
import org.casfs.cas.store.ObjectDatabase;

/**
 * The counters of one pull or repair, shared by the threads that store its objects, and the
 * store's durability as it goes: what a pull stored is made durable (indexed, synced) at least
 * every {@link #DURABLE_EVERY_NANOS} and every {@link #DURABLE_EVERY_BYTES}, not only at its end.
 * The store batches its index entries until a flush, so a pull killed or cut off by a power
 * failure before its end would otherwise start again from nothing, however long the link took to
 * bring what it had. Thread-safe.
 */
final class PullRun {
  static final long DURABLE_EVERY_NANOS = 2_000_000_000L;
  static final long DURABLE_EVERY_BYTES = 32L << 20;
  private static final long REPORT_EVERY_NANOS = 200_000_000L;

  private final ObjectDatabase db;
  private final PullListener listener;
  private final long start = System.nanoTime();
  private String phase;
  private long bytesDone;
  private long objectsDone;
  private long bytesTotal;
  private long objectsTotal;
  private long lastReport;
  private long lastDurableNanos = start;
  private long lastDurableBytes;

  PullRun(ObjectDatabase db, PullListener listener, String phase) {
    this.db = db;
    this.listener = listener;
    this.phase = phase;
  }

  /** Counts a stored object; makes what the pull stored durable every so often. */
  void stored(long bytes) throws IOException {
    boolean makeDurable;
    long durableBytes;
    synchronized (this) {
      bytesDone += bytes;
      objectsDone++;
      long now = System.nanoTime();
      if (now - lastReport > REPORT_EVERY_NANOS) {
        lastReport = now;
        report();
      }
      makeDurable = now - lastDurableNanos >= DURABLE_EVERY_NANOS || bytesDone - lastDurableBytes >= DURABLE_EVERY_BYTES;
      if (makeDurable) {
        lastDurableNanos = now;
        lastDurableBytes = bytesDone;
      }
      durableBytes = bytesDone;
    }
    if (makeDurable) {
      db.store().flush();
      listener.durable(durableBytes);
    }
  }

  /** The totals are what is done plus what {@code inv} still lacks. */
  synchronized void expect(Inventory inv) {
    bytesTotal = bytesDone + inv.missingBlobBytes;
    objectsTotal = objectsDone + inv.missingBlobs.size();
  }

  synchronized void phase(String p) {
    phase = p;
  }

  synchronized long objectsDone() {
    return objectsDone;
  }

  synchronized long bytesDone() {
    return bytesDone;
  }

  synchronized void report() {
    listener.progress(new PullProgress(phase, bytesDone, bytesTotal, objectsDone, objectsTotal,
        System.nanoTime() - start));
  }
}
