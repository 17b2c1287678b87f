package org.casfs.cas.store;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.casfs.cas.ObjectId;
import org.casfs.cas.posix.Posix;
import org.casfs.cas.posix.PosixException;

/**
 * Bounds the page cache that the loose files a store writes take: an import or a pull writes a
 * whole image and reads none of it soon after. Each file is handed over open, with its write-back
 * started; while more than {@link #BUDGET} bytes are held, the oldest are waited on until their
 * pages are on disk, their pages dropped from the page cache and their descriptors closed. The
 * next files then go into the pages just freed instead of memory the image would take from the
 * programs running beside it.
 *
 * <p>On this project's benchmark machine (a virtual machine whose memory is backed on first touch)
 * writing 115 MiB into never-used pages took 0.31 s of kernel time against 0.03 s into recycled
 * ones, and a warm origin's import of Debian v1 0.68-0.79 s against 0.51-0.59 with this
 * (docs/BENCHMARKS.md).
 *
 * <p>A failed write-back is kept with its object: {@link #failureAmong} tells it to the sync of the
 * batch that holds it, with the file and the disk's reason. Waiting here took the failure: Linux
 * tells a failed write-back once, and a later fsync of a new descriptor of the file said only
 * "Input/output error" (WrittenFilePagesTest). Thread-safe.
 */
final class WrittenFilePages {
  /** Bytes of written files held in the page cache at most, before the oldest are released. */
  static final long BUDGET = 16L << 20;

  private record Held(int fd, long bytes, ObjectId id, byte[] path) {}

  private final ArrayDeque<Held> held = new ArrayDeque<>();
  private long heldBytes;
  private final Map<ObjectId, PosixException> failed = new ConcurrentHashMap<>();

  /**
   * Takes over the open descriptor {@code fd} of the file of {@code id} ({@code bytes} long, its
   * write-back started): it is closed here, now or later. Releases the oldest files held while
   * more than the budget is.
   */
  void add(int fd, long bytes, ObjectId id, byte[] path) {
    List<Held> release = new ArrayList<>();
    synchronized (held) {
      held.add(new Held(fd, bytes, id, path));
      heldBytes += bytes;
      while (heldBytes > BUDGET && held.size() > 1) {
        Held oldest = held.poll();
        heldBytes -= oldest.bytes();
        release.add(oldest);
      }
    }
    release(release);
  }

  /** Releases every file held: waits for its pages to be on disk, drops them, closes it. */
  void releaseAll() {
    List<Held> release;
    synchronized (held) {
      release = new ArrayList<>(held);
      held.clear();
      heldBytes = 0;
    }
    release(release);
  }

  /**
   * How the file of the first of {@code ids} failed to be written to disk, or null if none did;
   * each failure is told once. Release the files first ({@link #releaseAll}).
   */
  PosixException failureAmong(Collection<ObjectId> ids) {
    if (failed.isEmpty()) {
      return null;
    }
    for (ObjectId id : ids) {
      PosixException e = failed.remove(id);
      if (e != null) {
        return e;
      }
    }
    return null;
  }

  private void release(List<Held> files) {
    for (Held f : files) {
      try {
        Posix.awaitWriteBack(f.fd(), f.path());
        Posix.dropCachedPages(f.fd());
      } catch (PosixException e) {
        failed.putIfAbsent(f.id(), e);
      } finally {
        try {
          Posix.close(f.fd(), f.path());
        } catch (PosixException e) {
          failed.putIfAbsent(f.id(), e);
        }
      }
    }
  }
}
