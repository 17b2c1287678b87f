package org.casfs.fs;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.casfs.cas.Name;

/**
 * Stable readdir offsets for a writable mount's open directories. The offset after each entry
 * is a cookie naming that entry (cookie {@code 3 + k}: the k-th entry this open directory handed
 * out; 1 and 2 are "." and ".."), and a listing resumes at the first name after the cookie's name
 * in name order, which is the order of every casfs directory. So entries removed meanwhile, the
 * one just returned included (an {@code rm -r} unlinks each entry as it reads it), never make the
 * listing skip a surviving one, and {@code seekdir} to a {@code telldir} position lands on the
 * same entry. Before, the offset was an index into the listing as it is now, and each removal
 * shifted the survivors under it: Python's scandir-and-unlink of 3,000 files left 1,022.
 * Thread-safe; memory is one name reference per entry handed out, until releasedir.
 */
final class DirCookies {
  static final long FIRST_NAME = 3;
  private final ConcurrentHashMap<Long, List<Name>> open = new ConcurrentHashMap<>();
  private final AtomicLong next = new AtomicLong(1);

  /** A new open directory's handle. */
  long open() {
    long fh = next.getAndIncrement();
    open.put(fh, new ArrayList<>());
    return fh;
  }

  void close(long fh) {
    open.remove(fh);
  }

  /**
   * The name after which a listing resumed at {@code offset} (> 2) goes on; null if {@code fh} is
   * unknown or never gave that cookie.
   */
  Name afterOrNull(long fh, long offset) {
    List<Name> given = open.get(fh);
    if (given == null) {
      return null;
    }
    synchronized (given) {
      long k = offset - FIRST_NAME;
      return k >= 0 && k < given.size() ? given.get((int) k) : null;
    }
  }

  /** The cookie for {@code name}, handed out now by open directory {@code fh}. */
  long cookie(long fh, Name name) {
    List<Name> given = open.computeIfAbsent(fh, k -> new ArrayList<>());
    synchronized (given) {
      given.add(name);
      return FIRST_NAME + given.size() - 1;
    }
  }
}
