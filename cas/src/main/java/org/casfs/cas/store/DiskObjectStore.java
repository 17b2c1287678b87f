package org.casfs.cas.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.casfs.cas.CorruptObjectException;
import org.casfs.cas.DualDigest;
import org.casfs.cas.HashedBytes;
import org.casfs.cas.Hashes;
import org.casfs.cas.MissingObjectException;
import org.casfs.cas.ObjectId;
import org.casfs.cas.ObjectType;
import org.casfs.cas.Sha256;

/**
 * The repository's object store: an index and small objects in RocksDB, blobs larger than the
 * inline threshold as read-only loose files {@code objects/ab/cdef…} (served and read as they
 * are).
 *
 * <p>Durable before visible, in batches: an inserted object is readable at once from
 * {@link PendingObjects}, but its index entry is written only by {@link #flush()} (or when enough
 * objects are pending), after the loose files of the batch and their directories are synced; then
 * the write-ahead log is synced. So the index never names a file that could be lost, and an import
 * or pull of thousands of objects costs one filesystem sync instead of one fsync per blob. A crash
 * before the flush leaves at most loose files no index entry names, which the next insert of the
 * same object overwrites and gc sweeps. Thread-safe.
 */
public final class DiskObjectStore implements ObjectStore, RawObjectSource {
  static final String INDEX = "index";
  static final String DATA = "data";
  /** The key spaces the store keeps in the repository's database. */
  static final List<String> KEY_SPACES = List.of(INDEX, DATA, ContentIndex.SPACE);
  /** Small objects held in memory before they go to RocksDB in one unsynced batch. */
  private static final long INLINE_BATCH_BYTES = 8L << 20;
  /** Loose blobs written before a flush is forced, bounding the memory of the pending set. */
  private static final int LOOSE_BATCH = 8192;

  private final RocksDatabase db;
  private final LooseFiles looseFiles;
  private final int inlineThreshold;
  private final Cache<ObjectId, byte[]> hot;
  private final InsertGuard guard = new InsertGuard();
  private final PendingObjects pending = new PendingObjects();
  /** Orders flushes and removals of pending objects. */
  private final Object flushLock = new Object();
  private final AtomicBoolean writingInline = new AtomicBoolean();
  private final List<InsertLog> insertLogs = new CopyOnWriteArrayList<>();

  DiskObjectStore(RocksDatabase db, Path objectsDir, Path tmpDir, int inlineThreshold, long hotCacheBytes) {
    this.db = db;
    this.looseFiles = new LooseFiles(objectsDir, tmpDir);
    this.inlineThreshold = inlineThreshold;
    // Each cached blob costs its bytes and about 160 more (the cache's node, the map's, the key);
    // at most a sixteenth of the heap. Its upkeep runs on the calling thread (see CacheUpkeep).
    this.hot = Caffeine.newBuilder()
        .maximumWeight(Math.min(hotCacheBytes, Runtime.getRuntime().maxMemory() / 16))
        .weigher((ObjectId k, byte[] v) -> v.length + 160)
        .executor(CacheUpkeep.ON_CALLER)
        .build();
  }

  /** Starts a log of the objects this store adds from now on, until it is closed. */
  public InsertLog logInserts() {
    return new InsertLog(insertLogs);
  }

  private void noteAdded(ObjectId id) {
    for (InsertLog log : insertLogs) {
      log.note(id);
    }
  }

  /** Where a loose blob lives (whether or not it exists). */
  public Path loosePath(ObjectId id) {
    return looseFiles.path(id);
  }

  /**
   * The loose file of a blob, for callers that read ranges of large blobs (FUSE) or send files
   * as they are (serve); null if the object is stored inline or absent. Such callers must verify
   * the file themselves before trusting it.
   */
  public Path loosePathOrNull(ObjectId id) throws IOException {
    Located l = locateOrNull(id);
    return l != null && l.loose() ? loosePath(id) : null;
  }

  /**
   * Where an object is: pending (its bytes held in memory, or a loose file not yet indexed) or
   * indexed. {@code pendingBytes} is non-null only for a small pending object.
   */
  private record Located(ObjectInfo info, boolean loose, byte[] pendingBytes) {}

  /** One look: the pending set, else one index read; null if absent. */
  private Located locateOrNull(ObjectId id) throws IOException {
    PendingObjects.Pending p = pending.getOrNull(id);
    if (p != null) {
      return new Located(p.info(), p.loose(), p.bytes());
    }
    byte[] rec = db.getOrNull(INDEX, id.toRaw());
    return rec == null ? null : new Located(IndexRecord.decode(id, rec), IndexRecord.isLoose(rec), null);
  }

  private Located locate(ObjectId id) throws IOException {
    Located l = locateOrNull(id);
    if (l == null) {
      throw new MissingObjectException(id, "object");
    }
    return l;
  }

  private boolean isLoose(ObjectId id) throws IOException {
    PendingObjects.Pending p = pending.getOrNull(id);
    if (p != null) {
      return p.loose();
    }
    byte[] rec = db.getOrNull(INDEX, id.toRaw());
    return rec != null && IndexRecord.isLoose(rec);
  }

  public int inlineThreshold() {
    return inlineThreshold;
  }

  @Override
  public ObjectInfo statOrNull(ObjectId id) throws IOException {
    Located l = locateOrNull(id);
    return l == null ? null : l.info();
  }

  /**
   * Builds the content index of a repository made before it existed (once; see ContentIndex). A
   * damaged index record names no SHA-256 to index; fsck reports it.
   */
  void completeContentIndex() throws IOException {
    ContentIndex.buildIfIncomplete(db, visitor -> forEachReportingDamage(visitor, damaged -> {}));
  }

  @Override
  public ObjectId blobIdOrNull(Sha256 sha256) throws IOException {
    ObjectId pendingBlob = pending.blobIdOrNull(sha256);
    ObjectId candidate = pendingBlob != null ? pendingBlob : ContentIndex.candidateOrNull(db, sha256);
    if (candidate == null) {
      return null;
    }
    Located l = locateOrNull(candidate);
    return l != null && l.info().type() == ObjectType.BLOB && l.info().sha256().equals(sha256) ? candidate : null;
  }

  @Override
  public byte[] read(ObjectId id) throws IOException {
    byte[] cached = hot.getIfPresent(id);
    if (cached != null) {
      return cached.clone();
    }
    return read(locate(id));
  }

  private byte[] read(Located l) throws IOException {
    if (l.pendingBytes() != null) {
      return l.pendingBytes().clone();
    }
    ObjectInfo info = l.info();
    ObjectId id = info.id();
    byte[] bytes;
    if (l.loose()) {
      if (info.size() > Integer.MAX_VALUE - 8) {
        throw new IOException("object " + id + " has " + info.size() + " bytes, too many to hold in memory");
      }
      try {
        // A damaged file may be any length: never allocate for more than the index promises.
        long onDisk = Files.size(loosePath(id));
        if (onDisk != info.size()) {
          throw new CorruptObjectException(id, "its file has " + onDisk + " bytes where " + info.size()
              + " were recorded; run 'casfs fsck --repair URL' to fetch a good copy");
        }
        bytes = Files.readAllBytes(loosePath(id));
      } catch (NoSuchFileException e) {
        throw new MissingObjectException(id, "loose blob");
      }
    } else {
      bytes = db.getOrNull(DATA, id.toRaw());
      if (bytes == null) {
        throw new MissingObjectException(id, "inline object");
      }
    }
    verify(info, bytes);
    if (bytes.length <= inlineThreshold) {
      hot.put(id, bytes.clone());
    }
    return bytes;
  }

  private static void verify(ObjectInfo info, byte[] bytes) throws CorruptObjectException {
    if (bytes.length != info.size()) {
      throw new CorruptObjectException(info.id(), "it has " + bytes.length + " bytes where " + info.size()
          + " were recorded; run 'casfs fsck --repair URL' to fetch a good copy");
    }
    Hashes actual = Hashes.of(bytes);
    if (!actual.id().equals(info.id())) {
      throw CorruptObjectException.damagedCopy(info.id(), actual.id());
    }
  }

  @Override
  public InputStream open(ObjectId id) throws IOException {
    Located l = locate(id);
    if (!l.loose()) {
      return new ByteArrayInputStream(read(l));
    }
    ObjectInfo info = l.info();
    try {
      return new VerifyingInputStream(Files.newInputStream(loosePath(id)), id, info.sha256(), info.size());
    } catch (NoSuchFileException e) {
      throw new MissingObjectException(id, "loose blob");
    }
  }

  @Override
  public ObjectInfo insert(ObjectType type, byte[] bytes) throws IOException {
    Hashes h = Hashes.of(bytes);
    try (InsertGuard.Ticket t = guard.begin(h.id())) {
      return insertHashed(type, bytes, false, h);
    }
  }

  @Override
  public ObjectInfo insert(ObjectType type, HashedBytes object) throws IOException {
    try (InsertGuard.Ticket t = guard.begin(object.hashes().id())) {
      return insertHashed(type, object.bytes(), true, object.hashes());
    }
  }

  /**
   * Stores {@code bytes}. A small object's bytes are held until the next batch: as they are if
   * {@code handedOver} (a {@link HashedBytes}' array, which its maker no longer changes), else a
   * copy (the caller keeps its array).
   */
  private ObjectInfo insertHashed(ObjectType type, byte[] bytes, boolean handedOver, Hashes h) throws IOException {
    Located existing = locateOrNull(h.id());
    if (existing != null && present(existing)) {
      return existing.info();
    }
    ObjectInfo info = new ObjectInfo(h.id(), type, bytes.length, h.sha256());
    if (type == ObjectType.BLOB && bytes.length > inlineThreshold) {
      try (LooseFiles.Temp tmp = looseFiles.newTemp()) {
        tmp.write(bytes, 0, bytes.length);
        publishLoose(tmp, info);
      }
    } else {
      long held = pending.addInline(info, handedOver ? bytes : bytes.clone());
      noteAdded(info.id());
      if (held > INLINE_BATCH_BYTES) {
        writeInline();
      }
    }
    return info;
  }

  /** For loose objects, the index alone is not enough: the file must be there too. */
  private boolean present(Located l) {
    return !l.loose() || Files.exists(loosePath(l.info().id()));
  }

  @Override
  public ObjectInfo insertBlob(InputStream in, long size, Hashes expected) throws IOException {
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative: " + size);
    }
    if (in instanceof HashedBytes.Stream s && s.available() == size && s.hashed().size() == size) {
      // Bytes hashed as they were made (a blob rebuilt from a delta): checked, not hashed again.
      if (expected != null) {
        checkExpected(expected, s.hashed().hashes());
      }
      s.skipNBytes(size);
      return insert(ObjectType.BLOB, s.hashed());
    }
    if (size <= inlineThreshold) {
      byte[] bytes = in.readNBytes((int) size);
      if (bytes.length != size) {
        throw new CorruptObjectException(expected == null ? null : expected.id(),
            "the stream ended after " + bytes.length + " of " + size + " bytes");
      }
      HashedBytes hashed = HashedBytes.of(bytes);
      if (expected != null) {
        checkExpected(expected, hashed.hashes());
      }
      return insert(ObjectType.BLOB, hashed); // hashed once, not again by insert
    }
    try (LooseFiles.Temp tmp = looseFiles.newTemp()) {
      DualDigest digest = new DualDigest();
      byte[] buf = new byte[(int) Math.min(size, 256 * 1024)];
      long left = size;
      while (left > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) {
          throw new CorruptObjectException(expected == null ? null : expected.id(),
              "the stream ended after " + (size - left) + " of " + size + " bytes");
        }
        digest.update(buf, 0, n);
        tmp.write(buf, 0, n);
        left -= n;
      }
      Hashes actual = digest.finish();
      if (expected != null) {
        checkExpected(expected, actual);
      }
      try (InsertGuard.Ticket t = guard.begin(actual.id())) {
        Located existing = locateOrNull(actual.id());
        if (existing != null && present(existing)) {
          return existing.info(); // the temporary file is deleted on close
        }
        ObjectInfo info = new ObjectInfo(actual.id(), ObjectType.BLOB, size, actual.sha256());
        publishLoose(tmp, info);
        return info;
      }
    }
  }

  private static void checkExpected(Hashes expected, Hashes actual) throws CorruptObjectException {
    if (!expected.id().equals(actual.id())) {
      throw CorruptObjectException.mismatch(expected.id(), actual.id());
    }
    if (!expected.sha256().equals(actual.sha256())) {
      throw new CorruptObjectException(expected.id(), "its SHA-256 is " + actual.sha256()
          + " where " + expected.sha256() + " was named (a SHA-1 collision?)");
    }
  }

  private void publishLoose(LooseFiles.Temp tmp, ObjectInfo info) throws IOException {
    tmp.publish(info.id());
    int held = pending.addLoose(info);
    noteAdded(info.id());
    if (held >= LOOSE_BATCH) {
      flush();
    }
  }

  /**
   * Moves the small objects held in memory to RocksDB, unsynced (the WAL is synced by flush). One
   * thread at a time: another that finds the batch over its size while it is being written goes
   * on, and its objects go in the next batch (importers' workers all crossed the size together
   * and queued behind each other).
   */
  private void writeInline() throws IOException {
    if (!writingInline.compareAndSet(false, true)) {
      return;
    }
    try {
      synchronized (flushLock) {
        List<PendingObjects.Pending> inline = new ArrayList<>();
        KeyValueStore.Batch batch = db.batch();
        for (PendingObjects.Pending p : pending.snapshot()) {
          if (!p.loose()) {
            putIndexEntry(batch, p);
            inline.add(p);
          }
        }
        batch.commit(false);
        pending.forget(inline);
      }
    } finally {
      writingInline.set(false);
    }
  }

  private static void putIndexEntry(KeyValueStore.Batch batch, PendingObjects.Pending p) {
    ObjectInfo info = p.info();
    byte[] key = info.id().toRaw();
    if (!p.loose()) {
      batch.put(DATA, key, p.bytes());
    }
    batch.put(INDEX, key, IndexRecord.encode(info.type(), info.size(), info.sha256(), p.loose()));
    ContentIndex.put(batch, info);
  }

  /**
   * Makes every object inserted so far durable and indexed: syncs the pending loose files and
   * their directories, then writes the index entries of everything pending in one batch, then
   * syncs the write-ahead log (which also makes every earlier unsynced batch durable).
   */
  @Override
  public void flush() throws IOException {
    synchronized (flushLock) {
      List<PendingObjects.Pending> batchOf = pending.snapshot();
      List<ObjectId> loose = new ArrayList<>();
      for (PendingObjects.Pending p : batchOf) {
        if (p.loose()) {
          loose.add(p.info().id());
        }
      }
      looseFiles.sync(loose);
      if (!batchOf.isEmpty()) {
        KeyValueStore.Batch batch = db.batch();
        for (PendingObjects.Pending p : batchOf) {
          putIndexEntry(batch, p);
        }
        batch.commit(false);
      }
      db.syncWal();
      pending.forget(batchOf);
    }
  }

  /** Enumerations see the index only: what is pending is made durable and indexed first. */
  private void flushPending() throws IOException {
    if (!pending.isEmpty()) {
      flush();
    }
  }

  /** True if objects were inserted since the last flush (they are lost by a close without one). */
  public boolean hasPending() {
    return !pending.isEmpty();
  }

  @Override
  public void forEach(Visitor visitor) throws IOException {
    flushPending();
    db.scan(INDEX, new byte[0], (key, value) -> visitor.visit(IndexRecord.decode(ObjectId.fromRaw(key), value)));
  }

  /**
   * Like {@link #forEach}, but a damaged index record goes to {@code damaged} and the walk goes on
   * (forEach stops at it): for fsck, which must see everything.
   */
  public void forEachReportingDamage(Visitor visitor, java.util.function.Consumer<CorruptObjectException> damaged)
      throws IOException {
    flushPending();
    db.scan(INDEX, new byte[0], (key, value) -> {
      ObjectId id;
      if (key.length != ObjectId.LENGTH) {
        damaged.accept(new CorruptObjectException(null, "the object index has a key of " + key.length
            + " bytes; run 'casfs fsck --repair URL'"));
        return true;
      }
      id = ObjectId.fromRaw(key);
      ObjectInfo info;
      try {
        info = IndexRecord.decode(id, value);
      } catch (CorruptObjectException e) {
        damaged.accept(e);
        return true;
      }
      return visitor.visit(info);
    });
  }

  @Override
  public boolean remove(ObjectId id) throws IOException {
    boolean wasPending;
    synchronized (flushLock) {
      wasPending = pending.forget(id);
    }
    byte[] rec = db.getOrNull(INDEX, id.toRaw());
    hot.invalidate(id);
    // The index entry goes first: a crash afterwards leaves at most an orphan file, which gc sweeps.
    KeyValueStore.Batch batch = db.batch().delete(INDEX, id.toRaw()).delete(DATA, id.toRaw());
    ContentIndex.delete(batch, rec == null ? null : decodedOrNull(id, rec));
    batch.commit(true);
    boolean removedFile = Files.deleteIfExists(loosePath(id));
    // A read racing with this removal may have refilled the cache after the first invalidation.
    hot.invalidate(id);
    return wasPending || rec != null || removedFile;
  }

  /** The object an index record describes, or null if the record is damaged. */
  private static ObjectInfo decodedOrNull(ObjectId id, byte[] rec) {
    try {
      return IndexRecord.decode(id, rec);
    } catch (CorruptObjectException e) {
      return null;
    }
  }

  @Override
  public Sweep beginSweep() {
    return new DiskSweep(this, guard);
  }

  /**
   * Removes the indexed or pending objects of {@code ids}, for {@link DiskSweep}; returns what was
   * there. Called under the guard's write lock: no insert of these ids runs meanwhile.
   */
  List<ObjectInfo> removeBatch(List<ObjectId> ids) throws IOException {
    List<ObjectInfo> removed = new ArrayList<>();
    List<ObjectId> loose = new ArrayList<>();
    KeyValueStore.Batch batch = db.batch();
    for (ObjectId id : ids) {
      PendingObjects.Pending p = pending.getOrNull(id);
      if (p != null) {
        synchronized (flushLock) {
          if (pending.forget(id)) {
            removed.add(p.info());
            if (p.loose()) {
              loose.add(id);
            }
          }
        }
        continue;
      }
      byte[] rec = db.getOrNull(INDEX, id.toRaw());
      if (rec == null) {
        continue;
      }
      ObjectInfo decoded = decodedOrNull(id, rec);
      // A damaged index record still names an unreachable object: drop it and its bytes.
      removed.add(decoded != null ? decoded
          : new ObjectInfo(id, ObjectType.BLOB, 0, Sha256.fromRaw(new byte[Sha256.LENGTH])));
      if (IndexRecord.isLoose(rec)) {
        loose.add(id);
      }
      batch.delete(INDEX, id.toRaw()).delete(DATA, id.toRaw());
      ContentIndex.delete(batch, decoded);
    }
    // Index first, synced: a crash after this leaves at most orphan files, swept next time.
    batch.commit(true);
    for (ObjectId id : ids) {
      hot.invalidate(id);
    }
    for (ObjectId id : loose) {
      Files.deleteIfExists(loosePath(id));
    }
    return removed;
  }

  /**
   * The object's bytes exactly as stored, unverified and bypassing the cache, for fsck (which
   * verifies and reports by itself); null if the index does not name it.
   *
   * @throws MissingObjectException if the index names it but its bytes are gone
   */
  @Override
  public InputStream openStoredOrNull(ObjectId id) throws IOException {
    Located l = locateOrNull(id);
    if (l == null) {
      return null;
    }
    if (l.pendingBytes() != null) {
      return new ByteArrayInputStream(l.pendingBytes().clone());
    }
    if (l.loose()) {
      try {
        return Files.newInputStream(loosePath(id));
      } catch (NoSuchFileException e) {
        throw new MissingObjectException(id, "loose blob");
      }
    }
    byte[] bytes = db.getOrNull(DATA, id.toRaw());
    if (bytes == null) {
      throw new MissingObjectException(id, "inline object");
    }
    return new ByteArrayInputStream(bytes);
  }

  /** True if the object is stored as a loose file (whether or not the file is still there). */
  public boolean isStoredLoose(ObjectId id) throws IOException {
    return isLoose(id);
  }

  /** Loose files with no index entry (left by a crash between the two steps of remove). */
  public void forEachOrphan(java.util.function.Consumer<Path> sink) throws IOException {
    flushPending();
    looseFiles.forEach((file, id) -> {
      if (id == null || statOrNull(id) == null) {
        sink.accept(file);
      }
    });
  }

  @Override
  public void close() {
    looseFiles.close();
    hot.invalidateAll();
  }
}
