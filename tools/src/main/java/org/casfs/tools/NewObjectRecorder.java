package org.casfs.tools;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.casfs.cas.Hashes;
import org.casfs.cas.ObjectId;
import org.casfs.cas.ObjectType;
import org.casfs.cas.store.ObjectInfo;
import org.casfs.cas.store.ObjectStore;
import org.casfs.cas.store.Sweep;

/**
 * A store decorator that remembers which objects it added that were not there before, so a
 * command that fails half way (an import that meets an unreadable file) can take them out again
 * and leave the repository as it found it. Only sound while the caller holds the repository lock
 * (no other writer). Thread-safe.
 */
public final class NewObjectRecorder implements ObjectStore {
  private final ObjectStore store;
  private final Set<ObjectId> added = ConcurrentHashMap.newKeySet();

  public NewObjectRecorder(ObjectStore store) {
    this.store = store;
  }

  @Override
  public ObjectInfo insert(ObjectType type, byte[] bytes) throws IOException {
    Hashes h = Hashes.of(bytes);
    boolean had = store.contains(h.id());
    ObjectInfo info = store.insert(type, bytes);
    if (!had) {
      added.add(info.id());
    }
    return info;
  }

  @Override
  public ObjectInfo insertBlob(InputStream in, long size, Hashes expected) throws IOException {
    // Without an expected hash the id is known only afterwards, too late to tell whether the
    // store held it before: such a blob is never recorded, so never removed.
    boolean had = expected == null || store.contains(expected.id());
    ObjectInfo info = store.insertBlob(in, size, expected);
    if (!had) {
      added.add(info.id());
    }
    return info;
  }

  /** Removes every object this recorder added, and makes that durable. */
  public int removeAdded() throws IOException {
    int n = 0;
    for (ObjectId id : List.copyOf(added)) {
      if (store.remove(id)) {
        n++;
      }
      added.remove(id);
    }
    store.flush();
    return n;
  }

  public int addedCount() {
    return added.size();
  }

  @Override
  public ObjectInfo statOrNull(ObjectId id) throws IOException {
    return store.statOrNull(id);
  }

  @Override
  public byte[] read(ObjectId id) throws IOException {
    return store.read(id);
  }

  @Override
  public InputStream open(ObjectId id) throws IOException {
    return store.open(id);
  }

  @Override
  public void flush() throws IOException {
    store.flush();
  }

  @Override
  public void forEach(Visitor visitor) throws IOException {
    store.forEach(visitor);
  }

  @Override
  public boolean remove(ObjectId id) throws IOException {
    added.remove(id);
    return store.remove(id);
  }

  @Override
  public Sweep beginSweep() {
    return store.beginSweep();
  }

  @Override
  public void close() {
    // The repository owns the store.
  }
}
