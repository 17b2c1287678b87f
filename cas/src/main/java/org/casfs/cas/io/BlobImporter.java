package org.casfs.cas.io;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.casfs.cas.CorruptObjectException;
import org.casfs.cas.DualDigest;
import org.casfs.cas.HashedBytes;
import org.casfs.cas.Hashes;
import org.casfs.cas.ObjectId;
import org.casfs.cas.ObjectType;
import org.casfs.cas.posix.FileStat;
import org.casfs.cas.posix.Posix;
import org.casfs.cas.store.ObjectStore;

/**
 * Turns regular files into blobs: hashes first, stores only what the store lacks, so importing a
 * tree whose contents are mostly stored already (the next version of an image) writes little.
 * Small files are read once into a buffer of the thread's; larger ones stream twice (hash, then
 * store while verifying), never held in memory. Counts each object once per import. Thread-safe.
 */
final class BlobImporter {
  /**
   * Files up to this size are read into memory in one go: read and hashed once, and written from
   * memory if new. Each worker holds one such file at a time. 4 MiB takes in every file of
   * Debian 12's minbase root (perl, the largest, is 3.6 MiB); at 1 MiB its eleven largest files,
   * a fifth of its bytes, were read and hashed twice.
   */
  static final int SMALL = 4 << 20;
  private static final int CHUNK = 256 * 1024;

  private static final int MIN_BUFFER = 64 * 1024;

  private final ObjectStore store;
  private final ThreadLocal<byte[]> buffers = new ThreadLocal<>();
  private final Set<ObjectId> seen = ConcurrentHashMap.newKeySet();
  final AtomicLong newObjects = new AtomicLong();
  final AtomicLong reusedObjects = new AtomicLong();
  final AtomicLong filesRead = new AtomicLong();
  final AtomicLong bytesRead = new AtomicLong();

  BlobImporter(ObjectStore store) {
    this.store = store;
  }

  /** Reads, hashes and (if new) stores one file. */
  Hashes importFile(byte[] path, FileStat st) throws IOException {
    filesRead.incrementAndGet();
    bytesRead.addAndGet(st.size());
    if (st.size() <= SMALL) {
      byte[] buf = buffer((int) st.size());
      try (FileInput in = new FileInput(path, st.size())) {
        in.readFully(buf);
      }
      HashedBytes.Prefix hashed = HashedBytes.hashPrefix(buf, (int) st.size());
      if (claim(hashed.hashes().id())) {
        store.insert(ObjectType.BLOB, hashed.copy()); // hashed once, here
      }
      return hashed.hashes();
    }
    Hashes h = hashFile(path, st.size());
    if (claim(h.id())) {
      try (FileInput in = new FileInput(path, st.size())) {
        store.insertBlob(in, st.size(), h);
      } catch (CorruptObjectException e) {
        throw new IOException(Posix.printable(path) + " changed while it was imported (its bytes no longer hash to "
            + h.id() + "); import again when it is quiet", e);
      }
    }
    return h;
  }

  /**
   * This thread's read buffer, at least {@code size} bytes: files are read into it and copied out
   * only when the store lacks them, so re-importing a tree that is mostly stored allocates little
   * (with a new array per file, every byte read went into freshly zeroed memory first).
   */
  private byte[] buffer(int size) {
    byte[] buf = buffers.get();
    if (buf == null || buf.length < size) {
      buf = new byte[Math.max(size, MIN_BUFFER)];
      buffers.set(buf);
    }
    return buf;
  }

  /** Counts a blob known from the stat cache (already in the store). */
  void noteCached(Hashes h) {
    if (seen.add(h.id())) {
      reusedObjects.incrementAndGet();
    }
  }

  /**
   * True if the caller must store the object: the first sighting in this import of an object
   * the store lacks. A later sighting is already being stored by whoever claimed it, and the
   * import waits for every worker before anything points at it.
   */
  boolean claim(ObjectId id) throws IOException {
    if (!seen.add(id)) {
      return false;
    }
    if (store.contains(id)) {
      reusedObjects.incrementAndGet();
      return false;
    }
    newObjects.incrementAndGet();
    return true;
  }

  private static Hashes hashFile(byte[] path, long size) throws IOException {
    DualDigest digest = new DualDigest();
    byte[] buf = new byte[CHUNK];
    try (FileInput in = new FileInput(path, size)) {
      for (int n; (n = in.read(buf, 0, buf.length)) > 0; ) {
        digest.update(buf, 0, n);
      }
    }
    return digest.finish();
  }
}
