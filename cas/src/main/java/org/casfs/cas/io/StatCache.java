package org.casfs.cas.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.casfs.cas.Hashes;
import org.casfs.cas.ObjectId;
import org.casfs.cas.Sha256;
import org.casfs.cas.posix.FileStat;
import org.casfs.cas.store.KeyValueStore;
import org.casfs.cas.store.ObjectReader;

/**
 * Remembers which blob a file held when it was last imported, keyed by absolute path, so a
 * re-import trusts unchanged files without reading them. "Unchanged" means the same size, mtime,
 * ctime, inode and device; any write or chmod changes the ctime.
 *
 * <p>Racily clean files (git's term) are not remembered: a file whose ctime is within
 * {@link #RACY_NANOS} of the moment it was read could be written again within the same
 * timestamp tick without its ctime moving. An entry whose blob has left the store (gc) is
 * ignored. The cache is advisory: it is written unsynced, and only after an import succeeded.
 * Thread-safe.
 */
final class StatCache {
  static final long RACY_NANOS = 1_000_000_000L;
  private static final int VALUE_LENGTH = 5 * 8 + ObjectId.LENGTH + Sha256.LENGTH;

  private final KeyValueStore kv;
  private final ObjectReader store;
  private final Queue<Object[]> pending = new ConcurrentLinkedQueue<>();

  StatCache(KeyValueStore kv, ObjectReader store) {
    this.kv = kv;
    this.store = store;
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

  /** Notes a file just read; {@code readStartNanos} is the wall clock before reading began. */
  void remember(byte[] path, FileStat st, Hashes h, long readStartNanos) {
    if (Math.max(st.ctimeNanos(), st.mtimeNanos()) >= readStartNanos - RACY_NANOS) {
      return;
    }
    ByteBuffer b = ByteBuffer.allocate(VALUE_LENGTH);
    b.putLong(st.size()).putLong(st.mtimeNanos()).putLong(st.ctimeNanos()).putLong(st.ino()).putLong(st.dev());
    b.put(h.id().toRaw()).put(h.sha256().toRaw());
    pending.add(new Object[] {path, b.array()});
  }

  /**
   * Writes what was remembered and forgets paths under {@code rootPrefix} (ending in '/') that
   * this import did not see as regular files.
   */
  void commit(byte[] rootPrefix, Set<ByteBuffer> filesSeen) throws IOException {
    List<byte[]> stale = new ArrayList<>();
    kv.scan(ImportOptions.STAT_CACHE_SPACE, rootPrefix, (key, value) -> {
      if (!filesSeen.contains(ByteBuffer.wrap(key))) {
        stale.add(key);
      }
      return true;
    });
    KeyValueStore.Batch batch = kv.batch();
    int n = 0;
    for (byte[] key : stale) {
      batch.delete(ImportOptions.STAT_CACHE_SPACE, key);
      if (++n % 10_000 == 0) {
        batch.commit(false);
        batch = kv.batch();
      }
    }
    for (Object[] e; (e = pending.poll()) != null; ) {
      batch.put(ImportOptions.STAT_CACHE_SPACE, (byte[]) e[0], (byte[]) e[1]);
      if (++n % 10_000 == 0) {
        batch.commit(false);
        batch = kv.batch();
      }
    }
    batch.commit(false);
  }
}
