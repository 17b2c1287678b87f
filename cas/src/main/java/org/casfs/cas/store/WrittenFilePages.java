package org.casfs.cas.store;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.casfs.cas.posix.Posix;

/**
 * Bounds the page cache that written files take: the loose files a store writes (an import or a
 * pull writes a whole image and reads none of it soon after) and the files of a checkout. Each
 * file is handed over open, its write-back started; while more than {@link #BUDGET} bytes are
 * held, the oldest are dropped from the page cache and closed. By then the disk has mostly
 * written them, and the kernel drops only pages on disk (the rest stay until written, as before),
 * so nothing here waits for the disk, and a failed write-back is left for the batch's sync to
 * report (a checkout, which does not sync, checks the close of a descriptor of its own). The next
 * files then go into the pages just freed instead of memory the image would take from the
 * programs running beside it.
 *
 * <p>An import of Debian v1 left 102 MiB of its 103 MiB of loose files in the page cache, with this
 * none. Writing into freed pages is also cheaper: on this project's benchmark machine, a virtual
 * machine whose memory is backed on first touch, dd wrote 115 MiB into never-used pages in 0.31 s
 * of kernel time, into recycled ones in 0.03 s, and a command's import of /usr/lib (3.7 GiB) took
 * 9.4-10.0 s instead of 11.1-12.6 (docs/BENCHMARKS.md). Thread-safe.
 */
public final class WrittenFilePages {
  /** Bytes of written files held in the page cache at most, before the oldest are dropped. */
  public static final long BUDGET = 16L << 20;
  /**
   * Files held open at most: small blobs would otherwise take a thousand descriptors, the whole
   * of a process's limit where it is left at 1024.
   */
  static final int MAX_FILES = 64;

  private record Held(int fd, long bytes) {}

  private final ArrayDeque<Held> held = new ArrayDeque<>();
  private long heldBytes;

  /**
   * Takes over the open descriptor {@code fd} of a file {@code bytes} long whose write-back was
   * started: it is closed here, now or later. Drops the oldest files held while more than the
   * budget is, or more than {@link #MAX_FILES}.
   */
  public void add(int fd, long bytes) {
    List<Held> drop = new ArrayList<>();
    synchronized (held) {
      held.add(new Held(fd, bytes));
      heldBytes += bytes;
      while (heldBytes > BUDGET && held.size() > 1 || held.size() > MAX_FILES) {
        Held oldest = held.poll();
        heldBytes -= oldest.bytes();
        drop.add(oldest);
      }
    }
    drop(drop);
  }

  /** Drops and closes every file held; after a sync, all of their pages leave the cache. */
  public void dropAll() {
    List<Held> drop;
    synchronized (held) {
      drop = new ArrayList<>(held);
      held.clear();
      heldBytes = 0;
    }
    drop(drop);
  }

  private static void drop(List<Held> files) {
    for (Held f : files) {
      Posix.dropCachedPages(f.fd());
      // Nothing to tell if it fails: the descriptor only wrote, and the batch's sync reports a
      // failed write-back.
      Posix.closeIgnoringErrors(f.fd());
    }
  }
}
