package org.casfs.sync.peer;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.ObjectStore;
import org.casfs.cas.store.ReadFailures;
import org.casfs.sync.SyncState;

/**
 * Reads every object of this machine's store now and then, slowly, through the verifying read,
 * so that rot is found (and fetched again from the neighbours, {@link SelfRepair}) before anyone
 * needs the object: a file of a version the laptop does not run, an object a neighbour will ask
 * for during an update. One pass every {@code every}, at most {@code bytesPerSecond}, on its own
 * low-priority thread, the first no sooner than {@code firstDelay} after start (a laptop has just
 * booted). When the last whole pass ended is kept in the repository, so a laptop switched off
 * every evening still gets its pass. Damaged objects go to the listener (a peer repairs them, an
 * origin's server says how to); a pass is logged when it found any. Thread-safe; {@link #close}
 * stops a pass at once.
 */
public final class Scrub implements AutoCloseable {
  /** A pass's pace: a laptop's disk stays usable, and a 4 GB store is read in under 20 minutes. */
  public static final long DEFAULT_BYTES_PER_SECOND = 4_000_000;
  /** No pass in the first minutes after the daemon starts (a laptop has just booted). */
  public static final Duration DEFAULT_FIRST_DELAY = Duration.ofMinutes(10);
  private static final int CHUNK = 256 * 1024;
  private static final int ID_BYTES = 20;

  private final ObjectStore store;
  private final SyncState state;
  private final Duration every;
  private final Duration firstDelay;
  private final long bytesPerSecond;
  private final Consumer<ObjectId> damaged;
  private final Consumer<String> log;
  private final Clock clock;
  private final Thread thread;
  private volatile boolean closed;
  private volatile long passes;

  public Scrub(ObjectStore store, SyncState state, Duration every, Duration firstDelay, long bytesPerSecond,
      Consumer<ObjectId> damaged, Consumer<String> log, Clock clock) {
    if (every.isNegative() || every.isZero() || bytesPerSecond < 1) {
      throw new IllegalArgumentException("a scrub needs a positive interval and rate");
    }
    this.store = store;
    this.state = state;
    this.every = every;
    this.firstDelay = firstDelay;
    this.bytesPerSecond = bytesPerSecond;
    this.damaged = damaged;
    this.log = log;
    this.clock = clock;
    this.thread = new Thread(this::run, "casfs-scrub");
    thread.setDaemon(true);
    thread.setPriority(Thread.MIN_PRIORITY);
  }

  public Scrub start() {
    thread.start();
    return this;
  }

  /** Whole passes finished since start. */
  public long passes() {
    return passes;
  }

  private void run() {
    try {
      Thread.sleep(firstDelay.toMillis());
      while (!closed) {
        long now = clock.millis();
        long last = state.lastScrubMillis();
        // A last pass "in the future": this clock was set back since (a laptop's dead clock
        // battery, no time server without the internet). Waiting for it to catch up could take
        // years, so the pass is due now.
        long due = last > now ? now : last + every.toMillis();
        long wait = due - now;
        if (wait > 0) {
          Thread.sleep(Math.min(wait, Duration.ofHours(1).toMillis()));
          continue;
        }
        pass();
      }
    } catch (InterruptedException e) {
      // closed
    } catch (IOException | RuntimeException e) {
      if (!closed) {
        log.accept("scrub stopped: " + e.getMessage() + "; it starts again with the daemon");
      }
    }
  }

  private void pass() throws IOException, InterruptedException {
    // Listed first, so that no database iterator is held open for the pass; as raw ids, 20 bytes
    // each, so that a store of a million objects takes 20 MB of a daemon's small heap, not 100.
    java.io.ByteArrayOutputStream listing = new java.io.ByteArrayOutputStream();
    store.forEach(info -> {
      listing.write(info.id().toRaw());
      return !closed;
    });
    byte[] ids = listing.toByteArray();
    int count = ids.length / ID_BYTES;
    long started = System.nanoTime();
    long read = 0;
    int found = 0;
    byte[] buf = new byte[CHUNK];
    for (int i = 0; i < count; i++) {
      if (closed) {
        return;
      }
      ObjectId id = ObjectId.fromRaw(ids, i * ID_BYTES);
      try (InputStream in = store.open(id)) {
        for (int n; (n = in.read(buf)) > 0; ) {
          read += n;
          long aheadNanos = read * 1_000_000_000L / bytesPerSecond - (System.nanoTime() - started);
          if (aheadNanos > 0) {
            Thread.sleep(aheadNanos / 1_000_000, (int) (aheadNanos % 1_000_000));
          }
        }
      } catch (IOException e) {
        if (!ReadFailures.blameTheObject(e)) {
          throw e; // the database itself, or the daemon stopping
        }
        // Bytes that do not verify, or a file the disk cannot read (a bad sector: EIO), which a
        // repair writes again to new blocks; the pass goes on.
        if (store.statOrNull(id) != null) { // not removed by gc since the listing
          found++;
          damaged.accept(id);
        }
      }
    }
    state.setLastScrubMillis(clock.millis());
    passes++;
    if (found > 0) {
      log.accept("scrub read " + count + " objects (" + read + " bytes): " + found + " damaged");
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
  }
}
