package org.casfs.fs;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.casfs.cas.ObjectId;

/**
 * Decides, per open, how the kernel may cache a file's pages. Blobs never change, so pages stay
 * cached across opens ({@link Mode#KEEP}) as long as a path keeps the same blob. The kernel keys
 * its page cache by inode, and a path keeps its inode across a switch, so:
 *
 * <ul>
 *   <li>the first open of a path's new blob drops the old pages ({@link Mode#INVALIDATE});
 *   <li>while a handle of another blob of that path is still open (a reader of the old version),
 *       a new blob is read around the cache ({@link Mode#DIRECT}), so neither reader ever gets a
 *       page of the other's version;
 *   <li>shortly after a switch (while the kernel may still hold the old version's attributes,
 *       whose size it would clip reads to), a changed blob is read around the cache as well.
 * </ul>
 *
 * Remembers up to {@code maxPaths} paths (least recently opened forgotten first; a forgotten path
 * just invalidates once more). Thread-safe.
 */
public final class PageCachePolicy {
  /** How an open file uses the page cache. */
  public enum Mode { KEEP, INVALIDATE, DIRECT }

  private static final class State {
    ObjectId cached;
    ObjectId lastOpened;
    long unsettledUntil;
    final Map<ObjectId, Integer> open = new HashMap<>(2);
  }

  private final LinkedHashMap<ByteBuffer, State> paths;
  private final long settleNanos;

  public PageCachePolicy(int maxPaths) {
    this(maxPaths, 1_200_000_000L);
  }

  /**
   * @param settleNanos how long after the last reader of an older blob closes a path stays
   *     "unsettled": that reader may have cut the kernel's idea of the file size to its own
   *     (a read past its end does), and the kernel keeps that size until its attribute cache
   *     expires; meanwhile new opens read around the cache, where the size does not clip
   */
  public PageCachePolicy(int maxPaths, long settleNanos) {
    this.settleNanos = settleNanos;
    this.paths = new LinkedHashMap<>(1024, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<ByteBuffer, State> eldest) {
        return size() > maxPaths && eldest.getValue().open.isEmpty();
      }
    };
  }

  /**
   * Records an open of {@code blob} at {@code path}; pair with {@link #released}.
   *
   * @param attrsMayBeStale true while the kernel may still cache attributes from before a switch
   */
  public synchronized Mode opened(byte[] path, ObjectId blob, boolean attrsMayBeStale) {
    State s = paths.computeIfAbsent(ByteBuffer.wrap(path.clone()), k -> new State());
    boolean otherOpen = false;
    for (ObjectId o : s.open.keySet()) {
      if (!o.equals(blob)) {
        otherOpen = true;
        break;
      }
    }
    s.open.merge(blob, 1, Integer::sum);
    s.lastOpened = blob;
    if (otherOpen || System.nanoTime() - s.unsettledUntil < 0) {
      return Mode.DIRECT;
    }
    if (blob.equals(s.cached)) {
      return Mode.KEEP;
    }
    if (attrsMayBeStale) {
      return Mode.DIRECT;
    }
    s.cached = blob;
    return Mode.INVALIDATE;
  }

  /**
   * True if the handle of {@code blob} about to be {@linkplain #released released} is the last
   * open one at {@code path} of a blob other than the one opened there most recently (a reader of
   * an older version).
   */
  public synchronized boolean isLastOlderReader(byte[] path, ObjectId blob) {
    State s = paths.get(ByteBuffer.wrap(path));
    if (s == null || blob.equals(s.lastOpened)) {
      return false;
    }
    int older = 0;
    for (Map.Entry<ObjectId, Integer> e : s.open.entrySet()) {
      if (!e.getKey().equals(s.lastOpened)) {
        older += e.getValue();
      }
    }
    return older == 1;
  }

  public synchronized void released(byte[] path, ObjectId blob) {
    State s = paths.get(ByteBuffer.wrap(path));
    if (s != null) {
      s.open.computeIfPresent(blob, (k, n) -> n == 1 ? null : n - 1);
      if (!blob.equals(s.lastOpened)) {
        s.unsettledUntil = System.nanoTime() + settleNanos;
      }
    }
  }
}
