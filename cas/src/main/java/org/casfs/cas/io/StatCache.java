package org.casfs.cas.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.casfs.cas.Hashes;
import org.casfs.cas.ObjectId;
import org.casfs.cas.Sha256;
import org.casfs.cas.posix.FileStat;
import org.casfs.cas.store.BatchWriter;
import org.casfs.cas.store.KeyValueStore;
import org.casfs.cas.store.ObjectReader;

/**
 * Remembers which blob a file held when it was last imported, keyed by absolute path, so a
 * re-import trusts unchanged files without reading them. "Unchanged" means the same size, mtime,
 * ctime, inode and device; any write or chmod changes the ctime.
 *
 * <p>Racily clean files ({@link RacyFiles}) are not remembered. An entry whose blob has left the store (gc) is
 * ignored. The cache is advisory: it is written unsynced, and an entry is only a hint that its
 * blob is checked against. Thread-safe.
 */
final class StatCache {
  private static final int VALUE_LENGTH = 5 * 8 + ObjectId.LENGTH + Sha256.LENGTH;

  private final KeyValueStore kv;
  private final ObjectReader store;
  private final BatchWriter writer;

  StatCache(KeyValueStore kv, ObjectReader store) {
    this.kv = kv;
    this.store = store;
    this.writer = new BatchWriter(kv, ImportOptions.STAT_CACHE_SPACE, 10_000);
  }

  /** The blob the file held when last imported, if its stat is unchanged and the blob is stored. */
  Hashes lookupOrNull(byte[] path, FileStat st) throws IOException {
    byte[] v = kv.getOrNull(ImportOptions.STAT_CACHE_SPACE, path);
    if (v == null || v.length != VALUE_LENGTH) {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(v);
    if (b.getLong() != st.size() || b.getLong() != st.mtimeNanos() || b.getLong() != st.ctimeNanos()
        || b.getLong() != st.ino() || b.getLong() != st.dev()) {
      return null;
    }
    Hashes h = new Hashes(ObjectId.fromRaw(v, 40), Sha256.fromRaw(v, 40 + ObjectId.LENGTH));
    return store.contains(h.id()) ? h : null;
  }


  /**
   * Remembers the files of one directory that the import read and that are {@link
   * ScannedNode#cacheable}: called as each directory's tree is built, so that the import holds no
   * list of them. Written unsynced, 10,000 entries a batch (one RocksDB write per directory, from
   * every thread, cost a warm origin's import of Debian v1 1.1 s of CPU in two runs of five,
   * against 0.8-1.0). An entry written by an import that then fails is still true of its file, and
   * is used only while its blob is stored.
   */
  synchronized void remember(List<ScannedNode> children) throws IOException {
    for (ScannedNode file : children) {
      if (file.blob != null && file.cacheable) {
        writer.put(file.path(), value(file.stat, file.blob));
      }
    }
  }

  /**
   * After an import succeeded: forgets the paths under {@code rootPrefix} (ending in '/') that it
   * did not see as regular files, and writes what {@link #remember} has left waiting.
   */
  synchronized void commit(PathFingerprints regularFiles, byte[] rootPrefix) throws IOException {
    regularFiles.freeze();
    List<byte[]> stale = new ArrayList<>();
    kv.scan(ImportOptions.STAT_CACHE_SPACE, rootPrefix, (key, value) -> {
      if (!regularFiles.contains(key)) {
        stale.add(key);
      }
      return true;
    });
    for (byte[] key : stale) {
      writer.delete(key);
    }
    writer.finish(false);
  }

  private static byte[] value(FileStat st, Hashes h) {
    ByteBuffer b = ByteBuffer.allocate(VALUE_LENGTH);
    b.putLong(st.size()).putLong(st.mtimeNanos()).putLong(st.ctimeNanos()).putLong(st.ino()).putLong(st.dev());
    b.put(h.id().toRaw()).put(h.sha256().toRaw());
    return b.array();
  }
}
