package org.casfs.cas.store;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.casfs.cas.ObjectId;

/**
 * What lets gc sweep while others insert, inside one process (a repository is opened by one
 * process at a time, so that is enough).
 *
 * <p>An insert calls {@link #begin} as soon as it knows the object's id and before it looks for an
 * existing copy; from then until it closes the ticket the id is <em>in flight</em>. While a sweep
 * is open every id that begins is also remembered. A sweep removes an object only under the write
 * lock and only if its id is neither in flight nor remembered. So an insert either happens wholly
 * after the removal (it finds no copy and writes a new one) or its id is protected; an insert that
 * returned "already present" can never be followed by the removal of that object. Ids in flight
 * when the sweep begins are remembered too, so an insert that overlaps the start is protected.
 *
 * <p>Objects inserted before a sweep began are protected only by being reachable from the roots
 * gc is given: multi-step writers (import, transactions, pulls) must hand their roots to gc.
 */
final class InsertGuard {
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final ConcurrentHashMap<ObjectId, Integer> inFlight = new ConcurrentHashMap<>();
  private volatile Set<ObjectId> sinceSweep;

  /** Marks an insert of {@code id} in flight until the returned ticket is closed. */
  Ticket begin(ObjectId id) {
    lock.readLock().lock();
    try {
      inFlight.merge(id, 1, Integer::sum);
      Set<ObjectId> s = sinceSweep;
      if (s != null) {
        s.add(id);
      }
    } finally {
      lock.readLock().unlock();
    }
    return () -> inFlight.computeIfPresent(id, (k, n) -> n == 1 ? null : n - 1);
  }

  /**
   * Starts remembering inserted ids until the returned sweep is closed; only one sweep at a time.
   *
   * @throws IllegalStateException if a sweep is already open
   */
  synchronized OpenSweep openSweep() {
    lock.writeLock().lock();
    try {
      if (sinceSweep != null) {
        throw new IllegalStateException("a sweep is already open on this store");
      }
      Set<ObjectId> s = ConcurrentHashMap.newKeySet();
      s.addAll(inFlight.keySet());
      sinceSweep = s;
    } finally {
      lock.writeLock().unlock();
    }
    return new OpenSweep();
  }

  private synchronized void closeSweep() {
    lock.writeLock().lock();
    try {
      sinceSweep = null;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Runs {@code removal} with the unprotected ones of {@code ids}, excluding inserts meanwhile. */
  <T> T removeUnprotected(Collection<ObjectId> ids, Removal<T> removal) throws IOException {
    lock.writeLock().lock();
    try {
      Set<ObjectId> s = sinceSweep;
      if (s == null) {
        throw new IllegalStateException("the sweep is closed");
      }
      List<ObjectId> free = new ArrayList<>(ids.size());
      for (ObjectId id : ids) {
        if (!inFlight.containsKey(id) && !s.contains(id)) {
          free.add(id);
        }
      }
      return removal.remove(free);
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * A sweep opened on this guard. Closing it again does nothing, so that a stale close cannot end
   * a later sweep.
   */
  final class OpenSweep implements AutoCloseable {
    private boolean closed;

    private OpenSweep() {}

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        closeSweep();
      }
    }
  }

  /** An insert in flight; closing it ends the protection of the in-flight state. */
  interface Ticket extends AutoCloseable {
    @Override
    void close();
  }

  @FunctionalInterface
  interface Removal<T> {
    T remove(List<ObjectId> unprotected) throws IOException;
  }
}
