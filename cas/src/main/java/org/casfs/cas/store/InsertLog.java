package org.casfs.cas.store;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.casfs.cas.ObjectId;

/**
 * The objects a store added while this log was open: those it did not hold before, not those
 * inserted again. What a failed command removes to leave the store as it found it, at a cost in
 * the objects it added rather than in all the store holds. Thread-safe.
 */
public final class InsertLog implements AutoCloseable {
  private final Set<ObjectId> added = ConcurrentHashMap.newKeySet();
  private final List<InsertLog> openLogs;

  InsertLog(List<InsertLog> openLogs) {
    this.openLogs = openLogs;
    openLogs.add(this);
  }

  void note(ObjectId id) {
    added.add(id);
  }

  /** The objects added so far. */
  public List<ObjectId> added() {
    return List.copyOf(added);
  }

  /** Stops logging; idempotent. */
  @Override
  public void close() {
    openLogs.remove(this);
  }
}
