package org.casfs.cas.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
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

  /**
   * Whether a file read from {@code readStartNanos} (the wall clock before reading began) may be
   * remembered: not if its ctime or mtime is that close to the read.
   */
  static boolean cacheable(FileStat st, long readStartNanos) {
    return Math.max(st.ctimeNanos(), st.mtimeNanos()) < readStartNanos - RACY_NANOS;
  }

  /**
   * After an import of {@code top} succeeded: remembers the files it read that are {@link
   * ScannedNode#cacheable}, and forgets the paths under {@code rootPrefix} (ending in '/') that it
   * did not see as regular files. Both are read from the scanned tree the import holds anyway,
   * rather than from a queue and a set of paths kept beside it (~260 bytes a file).
   */
  void commit(ScannedNode top, byte[] rootPrefix) throws IOException {
    List<byte[]> stale = new ArrayList<>();
    kv.scan(ImportOptions.STAT_CACHE_SPACE, rootPrefix, (key, value) -> {
      if (!isRegularFile(top, key, rootPrefix.length)) {
        stale.add(key);
      }
      return true;
    });
    // Unsynced, in batches of 10,000 so that none grows with the tree.
    BatchWriter writer = new BatchWriter(kv, ImportOptions.STAT_CACHE_SPACE, 10_000);
    for (byte[] key : stale) {
      writer.delete(key);
    }
    remember(top, writer);
    writer.finish(false);
  }

  private void remember(ScannedNode dir, BatchWriter writer) throws IOException {
    for (ScannedNode node : dir.children) {
      if (node.children != null) {
        remember(node, writer);
      } else if (node.blob != null && node.cacheable) {
        writer.put(node.path(), value(node.stat, node.blob));
      }
    }
  }

  private static byte[] value(FileStat st, Hashes h) {
    ByteBuffer b = ByteBuffer.allocate(VALUE_LENGTH);
    b.putLong(st.size()).putLong(st.mtimeNanos()).putLong(st.ctimeNanos()).putLong(st.ino()).putLong(st.dev());
    b.put(h.id().toRaw()).put(h.sha256().toRaw());
    return b.array();
  }

  /** Whether {@code path} (bytes from {@code offset} on: names joined by '/') is a regular file of the tree. */
  private static boolean isRegularFile(ScannedNode top, byte[] path, int offset) {
    ScannedNode node = top;
    int start = offset;
    while (node.children != null) {
      int end = start;
      while (end < path.length && path[end] != '/') {
        end++;
      }
      ScannedNode child = childNamed(node.children, path, start, end);
      if (child == null) {
        return false;
      }
      if (end == path.length) {
        return child.stat.isRegular();
      }
      node = child;
      start = end + 1;
    }
    return false;
  }

  /** The child whose name is {@code path[start, end)}; children are sorted by unsigned name bytes. */
  private static ScannedNode childNamed(List<ScannedNode> children, byte[] path, int start, int end) {
    int lo = 0;
    int hi = children.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      byte[] name = children.get(mid).name;
      int c = Arrays.compareUnsigned(name, 0, name.length, path, start, end);
      if (c == 0) {
        return children.get(mid);
      }
      if (c < 0) {
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return null;
  }
}
