package org.casfs.cas.io;

import java.io.IOException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.casfs.cas.CorruptObjectException;
import org.casfs.cas.DualDigest;
import org.casfs.cas.HashedBytes;
import org.casfs.cas.Hashes;
import org.casfs.cas.ObjectId;
import org.casfs.cas.ObjectType;
import org.casfs.cas.Sha256;
import org.casfs.cas.posix.FileStat;
import org.casfs.cas.posix.Posix;
import org.casfs.cas.store.ObjectInfo;
import org.casfs.cas.store.ObjectStore;

/**
 * Turns regular files into blobs: hashes first, stores only what the store lacks, so importing a
 * tree whose contents are mostly stored already (the next version of an image) writes little.
 * Small files are read once into a buffer of the thread's; larger ones stream twice when new
 * (SHA-256, then stored while both digests run), never held in memory. Counts each object once
 * per import. Thread-safe.
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
  /** A second buffer per thread, for the second read of a racy file. */
  private final ThreadLocal<byte[]> secondReads = new ThreadLocal<>();
  private final Set<ObjectId> seen = ConcurrentHashMap.newKeySet();
  final AtomicLong newObjects = new AtomicLong();
  final AtomicLong reusedObjects = new AtomicLong();
  final AtomicLong filesRead = new AtomicLong();
  final AtomicLong bytesRead = new AtomicLong();

  BlobImporter(ObjectStore store) {
    this.store = store;
  }

  /**
   * Reads, hashes and (if new) stores one file. The file is hashed with SHA-256 first, which finds
   * bytes the store holds already ({@link ObjectStore#blobIdOrNull}); only bytes it lacks are
   * hashed with SHA-1 too. Re-importing an image from another directory (the next version, built
   * beside the last) so costs one digest per byte instead of two. A {@code racy} file (its times
   * too recent to show a write during the read, {@link RacyFiles}) is read twice, and the two reads
   * must agree.
   */
  Hashes importFile(byte[] path, FileStat st, boolean racy) throws IOException {
    filesRead.incrementAndGet();
    bytesRead.addAndGet(st.size());
    if (st.size() <= SMALL) {
      int size = (int) st.size();
      byte[] buf = buffer(buffers, size);
      readFully(path, st, buf);
      if (racy) {
        byte[] again = buffer(secondReads, size);
        readFully(path, st, again);
        if (!Arrays.equals(buf, 0, size, again, 0, size)) {
          throw differedBetweenReads(path);
        }
      }
      HashedBytes.Sha256First first = HashedBytes.sha256First(buf, size);
      Hashes known = storedOrNull(first.sha256());
      if (known != null) {
        return known;
      }
      HashedBytes.Prefix hashed = first.withSha1();
      if (claimUnknown(hashed.hashes().id())) {
        store.insert(ObjectType.BLOB, hashed.copy()); // hashed once, here
      }
      return hashed.hashes();
    }
    Sha256 sha256 = sha256OfFile(path, st);
    Hashes known = storedOrNull(sha256);
    if (known != null) {
      if (racy && !sha256OfFile(path, st).equals(sha256)) {
        throw differedBetweenReads(path);
      }
      return known;
    }
    // New bytes: stored while both digests run (the store hashes what it writes), then checked
    // against the first read, so the pair recorded is the stored bytes' own (and a racy file is
    // read twice already).
    ObjectInfo stored;
    try (FileInput in = new FileInput(path, st)) {
      stored = store.insertBlob(in, st.size(), null);
    } catch (CorruptObjectException e) {
      throw changedWhileImported(path, e);
    }
    if (!stored.sha256().equals(sha256)) {
      throw changedWhileImported(path, null);
    }
    claimUnknown(stored.id());
    return new Hashes(stored.id(), sha256);
  }

  private static void readFully(byte[] path, FileStat st, byte[] buf) throws IOException {
    try (FileInput in = new FileInput(path, st)) {
      in.readFully(buf);
    }
  }

  private static IOException differedBetweenReads(byte[] path) {
    return TreeChanged.changed(path, "two reads of it differed", null);
  }

  private static IOException changedWhileImported(byte[] path, Exception cause) {
    return TreeChanged.changed(path, "its bytes no longer hash as they did", cause);
  }

  /** The hashes of bytes the store holds already, found by their SHA-256; null if it lacks them. */
  private Hashes storedOrNull(Sha256 sha256) throws IOException {
    ObjectId id = store.blobIdOrNull(sha256);
    if (id == null) {
      return null;
    }
    Hashes h = new Hashes(id, sha256);
    noteStored(h);
    return h;
  }

  /**
   * This thread's read buffer, at least {@code size} bytes: files are read into it and copied out
   * only when the store lacks them, so re-importing a tree that is mostly stored allocates little
   * (with a new array per file, every byte read went into freshly zeroed memory first).
   */
  private static byte[] buffer(ThreadLocal<byte[]> buffers, int size) {
    byte[] buf = buffers.get();
    if (buf == null || buf.length < size) {
      buf = new byte[Math.max(size, MIN_BUFFER)];
      buffers.set(buf);
    }
    return buf;
  }

  /** Counts a blob known to be in the store already (from the stat cache or its SHA-256). */
  void noteStored(Hashes h) {
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

  /**
   * {@link #claim} for bytes the store did not find by their SHA-256: it lacks them (it finds a
   * blob as soon as it is inserted), so they are counted new without a lookup by id.
   */
  private boolean claimUnknown(ObjectId id) {
    if (!seen.add(id)) {
      return false;
    }
    newObjects.incrementAndGet();
    return true;
  }

  private static Sha256 sha256OfFile(byte[] path, FileStat st) throws IOException {
    MessageDigest digest = DualDigest.newSha256();
    byte[] buf = new byte[CHUNK];
    try (FileInput in = new FileInput(path, st)) {
      for (int n; (n = in.read(buf, 0, buf.length)) > 0; ) {
        digest.update(buf, 0, n);
      }
    }
    return Sha256.fromRaw(digest.digest());
  }
}
