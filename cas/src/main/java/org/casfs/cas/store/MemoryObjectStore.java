package org.casfs.cas.store;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.casfs.cas.CorruptObjectException;
import org.casfs.cas.Hashes;
import org.casfs.cas.MissingObjectException;
import org.casfs.cas.ObjectId;
import org.casfs.cas.ObjectType;
import org.casfs.cas.Sha256;

/**
 * An object store in memory, for tests and tools that need no durability. Verifies on read like
 * the disk store (tests may damage objects with {@link #corrupt}). Thread-safe.
 */
public final class MemoryObjectStore implements ObjectStore, RawObjectSource {
  private record Stored(ObjectInfo info, byte[] bytes) {}

  private final ConcurrentSkipListMap<ObjectId, Stored> objects = new ConcurrentSkipListMap<>();
  private final ConcurrentHashMap<Sha256, ObjectId> blobsBySha256 = new ConcurrentHashMap<>();
  private final InsertGuard guard = new InsertGuard();

  @Override
  public ObjectInfo statOrNull(ObjectId id) {
    Stored s = objects.get(id);
    return s == null ? null : s.info;
  }

  @Override
  public ObjectId blobIdOrNull(Sha256 sha256) {
    ObjectId id = blobsBySha256.get(sha256);
    return id != null && objects.containsKey(id) ? id : null;
  }

  @Override
  public byte[] read(ObjectId id) throws IOException {
    Stored s = objects.get(id);
    if (s == null) {
      throw new MissingObjectException(id, "object");
    }
    Hashes actual = Hashes.of(s.bytes);
    if (!actual.id().equals(id)) {
      throw CorruptObjectException.damagedCopy(id, actual.id());
    }
    if (!actual.sha256().equals(s.info.sha256())) {
      throw new CorruptObjectException(id, "SHA-256 " + actual.sha256() + " does not match the recorded "
          + s.info.sha256());
    }
    return s.bytes.clone();
  }

  @Override
  public InputStream open(ObjectId id) throws IOException {
    return new ByteArrayInputStream(read(id));
  }

  @Override
  public ObjectInfo insert(ObjectType type, byte[] bytes) {
    Hashes h = Hashes.of(bytes);
    try (InsertGuard.Ticket t = guard.begin(h.id())) {
      Stored s = objects.computeIfAbsent(h.id(),
          k -> new Stored(new ObjectInfo(k, type, bytes.length, h.sha256()), bytes.clone()));
      if (type == ObjectType.BLOB) {
        blobsBySha256.put(h.sha256(), h.id());
      }
      return s.info;
    }
  }

  @Override
  public ObjectInfo insertBlob(InputStream in, long size, Hashes expected) throws IOException {
    if (size > Integer.MAX_VALUE - 8) {
      throw new IOException("the memory store holds blobs up to 2 GiB");
    }
    byte[] bytes = in.readNBytes((int) size);
    if (bytes.length != size) {
      throw new CorruptObjectException(expected == null ? null : expected.id(),
          "the stream ended after " + bytes.length + " of " + size + " bytes");
    }
    Hashes actual = Hashes.of(bytes);
    if (expected != null && !expected.id().equals(actual.id())) {
      throw CorruptObjectException.mismatch(expected.id(), actual.id());
    }
    if (expected != null && !expected.sha256().equals(actual.sha256())) {
      throw new CorruptObjectException(expected.id(), "its SHA-256 is " + actual.sha256()
          + " where " + expected.sha256() + " was named (a SHA-1 collision?)");
    }
    return insert(ObjectType.BLOB, bytes);
  }

  @Override
  public void flush() {}

  @Override
  public void forEach(Visitor visitor) throws IOException {
    for (Map.Entry<ObjectId, Stored> e : objects.entrySet()) {
      if (!visitor.visit(e.getValue().info)) {
        return;
      }
    }
  }

  @Override
  public boolean remove(ObjectId id) {
    Stored s = objects.remove(id);
    if (s != null) {
      blobsBySha256.remove(s.info.sha256(), id);
    }
    return s != null;
  }

  @Override
  public Sweep beginSweep() {
    InsertGuard.OpenSweep open = guard.openSweep();
    return new Sweep() {
      @Override
      public List<ObjectInfo> removeUnprotected(Collection<ObjectId> ids) throws IOException {
        return guard.removeUnprotected(ids, free -> {
          List<ObjectInfo> removed = new ArrayList<>();
          for (ObjectId id : free) {
            Stored s = objects.remove(id);
            if (s != null) {
              blobsBySha256.remove(s.info.sha256(), id);
              removed.add(s.info);
            }
          }
          return removed;
        });
      }

      @Override
      public long removeOrphans() {
        return 0;
      }

      @Override
      public void close() {
        open.close();
      }
    };
  }

  @Override
  public InputStream openStoredOrNull(ObjectId id) {
    Stored s = objects.get(id);
    return s == null ? null : new ByteArrayInputStream(s.bytes);
  }

  /** Test hook: replaces the stored bytes of an object without changing its name. */
  public void corrupt(ObjectId id, byte[] newBytes) {
    objects.computeIfPresent(id, (k, s) -> new Stored(s.info, newBytes.clone()));
  }

  @Override
  public void close() {}
}
