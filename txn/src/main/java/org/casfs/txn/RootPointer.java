package org.casfs.txn;

import java.io.IOException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.KeyValueStore;

/**
 * The one thing that changes what runs: {@code current}. A flip is compare-and-set and writes
 * one synced batch that sets {@code current}, sets {@code previous} to the old value and appends
 * a {@link HistoryRecord}; a crash leaves either all of it or none. Its cost does not depend on the
 * image size (the completeness check of a version already checked is one key lookup).
 *
 * <p>Compare-and-set: a repository is opened by one process at a time (the {@code Repository}
 * lock), and every flip in that process goes through this object's monitor, so reading
 * {@code current}, comparing and writing under the monitor is atomic. There is one
 * {@code RootPointer} per open repository ({@link Versions#of}).
 *
 * <p>Listeners run in the flipping thread after the batch is durable, in flip order, and must be
 * quick (a FUSE mount swaps its snapshot reference). {@link #poll()} re-reads {@code current}
 * for callers that cannot rely on listeners. Thread-safe.
 */
public final class RootPointer {
  private final Refs refs;
  private final KeyValueStore kv;
  private final LongSupplier clock;
  private final List<Consumer<ObjectId>> listeners = new CopyOnWriteArrayList<>();
  private volatile ObjectId lastSeen;

  RootPointer(Refs refs, LongSupplier clock) throws IOException {
    this.refs = refs;
    this.kv = refs.kv();
    this.clock = clock;
    this.lastSeen = refs.currentOrNull();
  }

  /** The manifest that runs, or null before the first switch. */
  public ObjectId currentOrNull() throws IOException {
    return refs.currentOrNull();
  }

  /**
   * Moves {@code current} from {@code expectedCurrent} (null: "no current yet") to
   * {@code newCurrent}, if that manifest is complete.
   */
  public RefUpdate flip(ObjectId expectedCurrent, ObjectId newCurrent, String reason, Actor who) throws IOException {
    Objects.requireNonNull(newCurrent, "newCurrent");
    HistoryRecord done;
    synchronized (refs) {
      ObjectId actual = refs.currentOrNull();
      if (!Objects.equals(actual, expectedCurrent)) {
        return RefUpdate.LOCK_FAILURE;
      }
      if (newCurrent.equals(actual)) {
        return RefUpdate.NO_CHANGE;
      }
      RefUpdate refused = refs.refusalOrNull(newCurrent);
      if (refused != null) {
        return refused;
      }
      KeyValueStore.Batch batch = kv.batch();
      batch.put(Refs.REFS, Refs.key(Refs.CURRENT), newCurrent.toRaw());
      if (actual != null) {
        batch.put(Refs.REFS, Refs.key(Refs.PREVIOUS), actual.toRaw());
      }
      done = refs.appendHistory(batch, clock.getAsLong(), actual, newCurrent, reason, who);
      batch.commit(true);
      refs.historyCommitted(done);
      lastSeen = newCurrent;
      notifyListeners(newCurrent);
    }
    return RefUpdate.OK;
  }

  /** Flips to {@code target} from whatever is current now. */
  public RefUpdate switchTo(ObjectId target, String reason, Actor who) throws IOException {
    synchronized (refs) {
      return flip(refs.currentOrNull(), target, reason, who);
    }
  }

  /**
   * Flips back to {@code previous} (which then becomes the version rolled back from). Throws
   * {@link VersionException} if there is no previous version.
   */
  public RefUpdate rollback() throws IOException, VersionException {
    synchronized (refs) {
      ObjectId prev = refs.previousOrNull();
      if (prev == null) {
        throw new VersionException(VersionException.Reason.NO_PREVIOUS,
            "there is no previous version to roll back to (nothing was switched yet)");
      }
      return flip(refs.currentOrNull(), prev, "rollback", Actor.ROLLBACK);
    }
  }

  /** Flips to a version that {@code current} held before, as recorded in the history. */
  public RefUpdate rollbackTo(ObjectId target) throws IOException, VersionException {
    synchronized (refs) {
      boolean inHistory = refs.history().stream().anyMatch(r -> target.equals(r.to()) || target.equals(r.from()));
      if (!inHistory) {
        throw new VersionException(VersionException.Reason.UNKNOWN,
            "version " + target + " never ran here (not in 'casfs history'); use 'casfs switch' for other versions");
      }
      return flip(refs.currentOrNull(), target, "rollback to " + target.name().substring(0, 12), Actor.ROLLBACK);
    }
  }

  /** Calls {@code listener} with the new {@code current} after every successful flip. */
  public void addListener(Consumer<ObjectId> listener) {
    listeners.add(Objects.requireNonNull(listener));
  }

  public void removeListener(Consumer<ObjectId> listener) {
    listeners.remove(listener);
  }

  /**
   * Re-reads {@code current} from the store and notifies listeners if it differs from what this
   * object last saw. Returns the current value.
   */
  public ObjectId poll() throws IOException {
    synchronized (refs) {
      ObjectId now = refs.currentOrNull();
      if (!Objects.equals(now, lastSeen)) {
        lastSeen = now;
        if (now != null) {
          notifyListeners(now);
        }
      }
      return now;
    }
  }

  private void notifyListeners(ObjectId now) {
    for (Consumer<ObjectId> l : listeners) {
      try {
        l.accept(now);
      } catch (RuntimeException e) {
        // A broken listener must not undo a durable flip or starve the others.
        Thread t = Thread.currentThread();
        t.getUncaughtExceptionHandler().uncaughtException(t, e);
      }
    }
  }
}
