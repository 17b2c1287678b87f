package org.casfs.cas.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.casfs.cas.ObjectId;

/**
 * Objects inserted into a {@link DiskObjectStore} since its last flush, whose index entries are
 * not written yet: small objects held in memory until they go to RocksDB in one batch, and loose
 * blobs whose files are in place but not yet synced. The store answers reads of them from here,
 * so they are readable at once; only {@code flush} makes them durable and indexed, files first.
 * Batching is what makes an import or a pull cost one filesystem sync and a few RocksDB writes
 * instead of one fsync and one write per object. Thread-safe.
 */
final class PendingObjects {
  /** A pending object: {@code bytes} for a small one held in memory, null for a loose file. */
  record Pending(ObjectInfo info, byte[] bytes) {
    boolean loose() {
      return bytes == null;
    }
  }

  private final ConcurrentHashMap<ObjectId, Pending> objects = new ConcurrentHashMap<>();
  private final AtomicLong inlineBytes = new AtomicLong();
  private final AtomicInteger looseCount = new AtomicInteger();

  Pending getOrNull(ObjectId id) {
    return objects.get(id);
  }

  /** Adds a small object; returns the bytes now held in memory in all. */
  long addInline(ObjectInfo info, byte[] bytes) {
    if (objects.putIfAbsent(info.id(), new Pending(info, bytes)) != null) {
      return inlineBytes.get();
    }
    return inlineBytes.addAndGet(bytes.length);
  }

  /** Adds a loose blob whose file is in place; returns the number of loose blobs pending. */
  int addLoose(ObjectInfo info) {
    if (objects.putIfAbsent(info.id(), new Pending(info, null)) != null) {
      return looseCount.get();
    }
    return looseCount.incrementAndGet();
  }

  /** Everything pending now, in no particular order. */
  List<Pending> snapshot() {
    return new ArrayList<>(objects.values());
  }

  /** Forgets objects once their index entries are written (or they were removed). */
  void forget(List<Pending> done) {
    for (Pending p : done) {
      if (objects.remove(p.info().id(), p)) {
        if (p.loose()) {
          looseCount.decrementAndGet();
        } else {
          inlineBytes.addAndGet(-p.bytes().length);
        }
      }
    }
  }

  /** Forgets one object (removed from the store); true if it was pending. */
  boolean forget(ObjectId id) {
    Pending p = objects.get(id);
    if (p == null) {
      return false;
    }
    forget(List.of(p));
    return true;
  }

  boolean isEmpty() {
    return objects.isEmpty();
  }
}
