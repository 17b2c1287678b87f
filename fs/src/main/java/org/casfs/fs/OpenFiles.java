package org.casfs.fs;

import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.casfs.txn.OpenFile;
import org.casfs.txn.Transaction;
import org.casfs.txn.TransactionFinishedException;
import org.casfs.txn.VersionException;

/**
 * The files a writable mount holds open, by the number given to the kernel as the file handle
 * ({@code fh}). A handle opened in a transaction that has since been committed or aborted is moved
 * to the open one on its next use: reopened there by the name libfuse gives (or, when libfuse
 * gives none, the name the inode had), so writes after {@code casfs commit} go to the next
 * version. A file that has no name there either (unlinked since) stays with its old transaction,
 * which still serves its bytes ({@link OpenFile}). Thread-safe.
 */
final class OpenFiles {
  private final ConcurrentHashMap<Long, OpenFile> open = new ConcurrentHashMap<>();
  private final AtomicLong next = new AtomicLong(1);

  interface Call<T> {
    T on(OpenFile f) throws IOException;
  }

  interface Live {
    Transaction get() throws IOException, VersionException;
  }

  /** Registers {@code f}; returns its handle. */
  long add(OpenFile f) {
    long fh = next.getAndIncrement();
    open.put(fh, f);
    return fh;
  }

  /** Whether some handle of {@code t} is open on the inode at {@code path}. */
  boolean anyAt(Transaction t, String path) throws IOException {
    for (OpenFile f : open.values()) {
      if (f.transaction() == t && path.equals(t.pathOrNull(f, path))) {
        return true;
      }
    }
    return false;
  }

  /** Whether some handle is open on {@code f}'s inode. */
  boolean anyOn(OpenFile f) {
    for (OpenFile g : open.values()) {
      if (g.sameInode(f)) {
        return true;
      }
    }
    return false;
  }

  /** Closes and forgets handle {@code fh}; unknown handles are ignored. */
  void close(long fh) throws IOException {
    OpenFile f = open.remove(fh);
    if (f != null) {
      f.transaction().close(f);
    }
  }

  <T> T run(long fh, String pathOrNull, Live live, Call<T> call) throws IOException, VersionException {
    while (true) {
      OpenFile f = open.get(fh);
      if (f == null) {
        throw new Errno.ErrnoException(Errno.EBADF, "no open file " + fh);
      }
      if (f.transaction().isFinished()) {
        Transaction next = live.get();
        OpenFile moved;
        try {
          moved = moveToLive(f, pathOrNull, next);
        } catch (TransactionFinishedException e) {
          continue; // committed again meanwhile
        }
        if (moved != null) {
          if (open.replace(fh, f, moved)) {
            f.transaction().close(f);
          } else {
            moved.transaction().close(moved); // another thread moved it first
          }
          continue;
        }
        f.strand();
      }
      try {
        return call.on(f);
      } catch (TransactionFinishedException e) {
        if (!f.transaction().isFinished()) {
          throw e;
        }
      }
    }
  }

  /** {@code f} reopened in {@code live} by a name it has, or null if it has none there. */
  private static OpenFile moveToLive(OpenFile f, String pathOrNull, Transaction live) throws IOException {
    String path = f.transaction().pathOrNull(f, pathOrNull);
    if (path == null && pathOrNull != null) {
      path = pathOrNull;
    }
    if (path == null) {
      return null;
    }
    try {
      return live.open(path);
    } catch (java.nio.file.NoSuchFileException | java.nio.file.NotDirectoryException e) {
      return null;
    }
  }
}
