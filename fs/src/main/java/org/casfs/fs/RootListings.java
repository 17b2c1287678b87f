package org.casfs.fs;

import java.util.LinkedHashMap;
import java.util.Map;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.Snapshot;

/**
 * Keeps a listing of the root in the version it began in. The root is the one node that shows
 * whatever version the mount shows, and a listing arrives in several READDIR calls, each naming
 * only the offset to go on from; so the offsets of a root listing carry a tag for its version (the
 * top bits), and a call that goes on from such an offset lists that version even after a switch.
 * Offset 0 (a new listing, or {@code rewinddir}) lists the version shown. The last {@value #KEPT}
 * versions are remembered; an offset naming an older one goes on in the version shown.
 * Thread-safe.
 */
final class RootListings {
  static final int INDEX_BITS = 40;
  static final long INDEX_MASK = (1L << INDEX_BITS) - 1;
  /** Tags stay below 2^23, so an offset stays a positive {@code off_t}. */
  private static final int MAX_TAG = (1 << 23) - 1;
  private static final int KEPT = 16;

  private final Map<ObjectId, Integer> tags = new LinkedHashMap<>();
  private final Map<Integer, Snapshot> versions = new LinkedHashMap<>();
  private int lastTag;

  /** The version a root listing at {@code offset} lists: {@code shown} unless it began in another. */
  synchronized Snapshot versionAt(long offset, Snapshot shown) {
    Snapshot s = versions.get((int) (offset >>> INDEX_BITS));
    return s != null ? s : shown;
  }

  /** The offset of the {@code index}-th position of a listing of {@code version}. */
  synchronized long offset(Snapshot version, long index) {
    Integer tag = tags.get(version.id());
    if (tag == null) {
      lastTag = lastTag == MAX_TAG ? 1 : lastTag + 1;
      tag = lastTag;
      versions.remove(tag);
      tags.values().remove(tag);
      tags.put(version.id(), tag);
      versions.put(tag, version);
      if (tags.size() > KEPT) {
        Integer eldest = tags.values().iterator().next();
        tags.values().remove(eldest);
        versions.remove(eldest);
      }
    }
    return ((long) tag << INDEX_BITS) | index;
  }

  /** The position within its listing that {@code offset} names. */
  static long index(long offset) {
    return offset & INDEX_MASK;
  }
}
