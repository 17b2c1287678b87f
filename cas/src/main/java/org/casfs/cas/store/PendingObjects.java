package org.casfs.cas.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.casfs.cas.ObjectId;
import org.casfs.cas.ObjectType;
import org.casfs.cas.Sha256;

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
  /** The pending blobs by the SHA-256 of their bytes, as {@link ContentIndex} has the indexed ones. */
  private final ConcurrentHashMap<Sha256, ObjectId> blobsBySha256 = new ConcurrentHashMap<>();
  private final AtomicLong inlineBytes = new AtomicLong();
  private final AtomicInteger looseCount = new AtomicInteger();

  Pending getOrNull(ObjectId id) {
    return objects.get(id);
  }

  /** The id of a pending blob with these bytes, or null. */
  ObjectId blobIdOrNull(Sha256 sha256) {
    return blobsBySha256.get(sha256);
  }

  /** Adds a small object; returns the bytes now held in memory in all. */
  long addInline(ObjectInfo info, byte[] bytes) {
    if (objects.putIfAbsent(info.id(), new Pending(info, bytes)) != null) {
      return inlineBytes.get();
    }
    noteBlob(info);
    return inlineBytes.addAndGet(bytes.length);
  }

  /** Adds a loose blob whose file is in place; returns the number of loose blobs pending. */
  int addLoose(ObjectInfo info) {
    if (objects.putIfAbsent(info.id(), new Pending(info, null)) != null) {
      return looseCount.get();
    }
    noteBlob(info);
    return looseCount.incrementAndGet();
  }

  private void noteBlob(ObjectInfo info) {
    if (info.type() == ObjectType.BLOB) {
      blobsBySha256.put(info.sha256(), info.id());
    }
  }

  /** Everything pending now, in no particular order. */
  List<Pending> snapshot() {
    return new ArrayList<>(objects.values());
  }

  /** Forgets objects once their index entries are written (or they were removed). */
  void forget(List<Pending> done) {
    for (Pending p : done) {
      if (objects.remove(p.info().id(), p)) {
        blobsBySha256.remove(p.info().sha256(), p.info().id());
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
