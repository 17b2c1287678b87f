package org.casfs.fs;

import com.kenai.jffi.MemoryIO;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import jnr.ffi.Pointer;
import jnr.ffi.Struct;
import org.casfs.cas.EntryType;
import org.casfs.cas.Name;
import org.casfs.txn.OpenFile;
import org.casfs.txn.Stat;
import org.casfs.txn.Transaction;
import org.casfs.txn.TransactionFinishedException;
import org.casfs.txn.Transactions;
import org.casfs.txn.VersionException;
import org.casfs.cas.ObjectId;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;
import ru.serce.jnrfuse.struct.Timespec;

/**
 * The kernel's view of a writable mount: every callback is one call of the repository's open
 * {@link Transaction} (copy-on-write, journaled, durable), which holds all the meaning and the
 * POSIX errors; this class converts arguments, copies bytes and maps failures in {@link Errno}.
 * New files belong to the calling process's uid and gid. Thread-safe (the transaction
 * serializes).
 *
 * <p>Open files are handles ({@link OpenFile}, by the kernel's file handle {@code fh}), so reads,
 * writes and page-ins reach their inode whatever happened to its names. libfuse's {@code
 * .fuse_hidden*} renames of unlinked open files are unlinks in the transaction ({@link
 * HiddenFiles}); libfuse runs with {@code nullpath_ok}, so a call on an open file whose path it
 * lost (its directory was removed) still arrives, by handle.
 */
public final class TxnFuse extends FuseStubFS implements MountableFs {
  private static final int XATTR_CREATE = 1;
  private static final int XATTR_REPLACE = 2;
  private static final long UTIME_NOW = (1L << 30) - 1;
  private static final long UTIME_OMIT = (1L << 30) - 2;
  private static final long NO_ID = 0xffffffffL;
  private static final int FALLOC_FL_KEEP_SIZE = 1;
  /** Entries read from the transaction at a time; a 4 KiB readdir buffer takes about 100. */
  private static final int READDIR_PAGE = 256;

  private final Transactions transactions;
  private final AtomicReference<Transaction> live;
  private final java.nio.file.Path statfsPath;
  private final Consumer<String> log;
  private final OpenFiles files = new OpenFiles();
  private final HiddenFiles hidden = new HiddenFiles();
  private final DirCookies dirs = new DirCookies();
  private final KeptPages kept = new KeptPages();

  /** @param statfsPath statfs reports the filesystem holding it (the repository's); may be null */
  public TxnFuse(Transactions transactions, Transaction txn, java.nio.file.Path statfsPath, Consumer<String> log) {
    this.transactions = transactions;
    this.live = new AtomicReference<>(txn);
    this.statfsPath = statfsPath;
    this.log = log;
  }

  @Override
  public ru.serce.jnrfuse.struct.FuseOperations operations() {
    FuseFlags.set(fuseOperations);
    return fuseOperations;
  }

  /** The transaction changes go to now. */
  public Transaction transaction() {
    return live.get();
  }

  /**
   * The open transaction. Once {@code casfs commit} or {@code casfs abort} (through the control
   * socket) finished the one this mount wrote to, the mount carries on in a new transaction on the
   * committed version (or, after an abort, on the old base), so it keeps working without a remount.
   */
  private Transaction txn() throws IOException, VersionException {
    Transaction t = live.get();
    if (!t.isFinished()) {
      return t;
    }
    synchronized (live) {
      t = live.get();
      if (t.isFinished()) {
        Transaction next = transactions.openOrNull();
        if (next == null) {
          ObjectId base = t.committedAsOrNull() != null ? t.committedAsOrNull() : t.base();
          next = transactions.begin(base);
        }
        live.set(next);
        t = next;
      }
      return t;
    }
  }

  /** One callback's work on a transaction. */
  private interface Call<T> {
    T on(Transaction t) throws IOException, VersionException;
  }

  /**
   * Runs {@code call} on the open transaction. A {@code casfs commit} or {@code abort} may finish
   * that transaction while the call waits for its lock; the call then did nothing, and runs again
   * on the transaction that follows, as if it had come just after the commit.
   */
  private <T> T run(Call<T> call) throws IOException, VersionException {
    while (true) {
      Transaction t = txn();
      try {
        return call.on(t);
      } catch (TransactionFinishedException e) {
        if (!t.isFinished()) {
          throw e;
        }
      }
    }
  }

  /** One callback's change to a transaction, which answers nothing but success. */
  private interface Change {
    void on(Transaction t) throws IOException, VersionException;
  }

  /** {@link #run} for a change. */
  private void change(Change change) throws IOException, VersionException {
    run(t -> {
      change.on(t);
      return null;
    });
  }

  /** Runs {@code call} on the handle {@code fi.fh} names, moved into the open transaction if need be. */
  private <T> T onFile(FuseFileInfo fi, String pathOrNull, OpenFiles.Call<T> call)
      throws IOException, VersionException {
    return files.run(fi.fh.get(), pathOrNull, this::txn, call);
  }

  @Override
  protected String getFSName() {
    return "casfs";
  }

  private int fail(Throwable t) {
    return -Errno.of(t, log);
  }

  private long callerUid() {
    return getContext().uid.get() & NO_ID;
  }

  private long callerGid() {
    return getContext().gid.get() & NO_ID;
  }

  static Attr attr(Stat s) {
    return new Attr(s.inode(), s.stMode(), s.nlink(), s.meta().uid(), s.meta().gid(),
        s.rdev(), s.size(), Attr.blocksFor(s.size()), s.meta().mtimeNanos(), s.ctimeNanos());
  }

  // ---- reads ----------------------------------------------------------------------------------

  @Override
  public int getattr(String path, FileStat stat) {
    try {
      Stat hiddenFile = hidden.statOrNull(path);
      FuseReplies.attr(stat, attr(hiddenFile != null ? hiddenFile : run(t -> t.getattr(path))));
      return 0;
    } catch (Throwable t) {
      return fail(t);
    }
  }

  @Override
  public int fgetattr(String path, FileStat stat, FuseFileInfo fi) {
    try {
      FuseReplies.attr(stat, attr(onFile(fi, path, f -> f.transaction().stat(f))));
      return 0;
    } catch (Throwable t) {
      return fail(t);
    }
  }

  @Override
  public int opendir(String path, FuseFileInfo fi) {
    fi.fh.set(dirs.open());
    return 0;
  }

  @Override
  public int releasedir(String path, FuseFileInfo fi) {
    dirs.close(fi.fh.get());
    return 0;
  }

  /**
   * Lists from {@code offset}, a cookie of {@link DirCookies}: stable while entries come and go.
   * Reads the directory a page at a time, from the name the offset stands for, until the kernel's
   * buffer is full.
   */
  @Override
  public int readdir(String path, Pointer buf, FuseFillDir filter, long offset, FuseFileInfo fi) {
    try {
      FileStat st = new FileStat(jnr.ffi.Runtime.getSystemRuntime());
      Pointer stp = Struct.getMemory(st);
      long fh = fi.fh.get();
      if (offset < 2) {
        Attr self = attr(run(t -> t.getattr(path)));
        if (offset < 1 && !FuseReplies.dirEntry(filter, buf, st, stp, new byte[] {'.'}, self, 1)) {
          return 0;
        }
        if (!FuseReplies.dirEntry(filter, buf, st, stp, new byte[] {'.', '.'}, self, 2)) {
          return 0;
        }
      }
      Name after = null;
      if (offset >= DirCookies.FIRST_NAME) {
        after = dirs.afterOrNull(fh, offset);
        if (after == null) {
          return 0; // not a cookie of this open directory: nothing more to list
        }
      }
      while (true) {
        Name from = after;
        List<Stat> page = run(t -> t.readdir(path, from, READDIR_PAGE));
        for (Stat s : page) {
          if (!FuseReplies.dirEntry(filter, buf, st, stp, s.name().bytes(), attr(s), dirs.cookie(fh, s.name()))) {
            return 0;
          }
        }
        if (page.size() < READDIR_PAGE) {
          return 0;
        }
        after = page.get(page.size() - 1).name();
      }
    } catch (Throwable t) {
      return fail(t);
    }
  }

  @Override
  public int readlink(String path, Pointer buf, long size) {
    try {
      return FuseReplies.symlinkTarget(run(t -> t.readlink(path)), buf, size);
    } catch (Throwable t) {
      return fail(t);
    }
  }

  @Override
  public int open(String path, FuseFileInfo fi) {
    try {
      OpenFile f = run(t -> t.open(path));
      fi.fh.set(files.add(f));
      if (kept.opened(path, f.transaction().fileBytesOrNull(f))) {
        FuseFlags.keepCache(fi);
      }
      return 0;
    } catch (Throwable t) {
      return fail(t);
    }
  }

  @Override
  public int read(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
    try {
      if (size <= 0) {
        return 0;
      }
      java.nio.ByteBuffer dst = MemoryIO.getInstance().newDirectByteBuffer(buf.address(), (int) size);
      return onFile(fi, path, f -> f.transaction().read(f, offset, dst.clear()));
    } catch (Throwable t) {
      return fail(t);
    }
  }

  @Override
  public int getxattr(String path, String name, Pointer value, long size) {
    try {
      byte[] v = run(t -> t.getxattrOrNull(path, xattrName(name)));
      return FuseReplies.xattrValue(v, value, size);
    } catch (Throwable t) {
      return fail(t);
    }
  }

  private static String xattrName(String name) {
    return new String(name.getBytes(java.nio.charset.Charset.defaultCharset()), StandardCharsets.ISO_8859_1);
  }

  @Override
  public int listxattr(String path, Pointer list, long size) {
    try {
      List<String> names = run(t -> t.listxattr(path));
      return FuseReplies.xattrNames(names, list, size);
    } catch (Throwable t) {
      return fail(t);
    }
  }

  @Override
  public int statfs(String path, Statvfs st) {
    try {
      FsStats s = FsStats.of(statfsPath);
      return FuseReplies.statfs(s, st);
    } catch (Throwable t) {
      return fail(t);
    }
  }

  @Override
  public int access(String path, int mask) {
    try {
      run(t -> t.getattr(path));
      return 0;
    } catch (Throwable t) {
      return fail(t);
    }
  }

  // ---- changes --------------------------------------------------------------------------------

  @Override
  public int create(String path, long mode, FuseFileInfo fi) {
    try {
      OpenFile f = run(t -> t.createAndOpen(path, (int) mode & 07777, callerUid(), callerGid()));
      kept.forget(path);
      fi.fh.set(files.add(f));
      return 0;
    } catch (Throwable t) {
      return fail(t);
    }
  }

  @Override
  public int write(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
    try {
      java.nio.ByteBuffer src = MemoryIO.getInstance().newDirectByteBuffer(buf.address(), (int) size);
      return onFile(fi, path, f -> f.transaction().write(f, path, offset, src.clear()));
    } catch (Throwable t) {
      return fail(t);
    }
  }

  @Override
  public int truncate(String path, long size) {
    try {
      change(t -> t.truncate(path, size));
      return 0;
    } catch (Throwable t) {
      return fail(t);
    }
  }

  @Override
  public int ftruncate(String path, long size, FuseFileInfo fi) {
    try {
      onFile(fi, path, f -> {
        f.transaction().truncate(f, path, size);
        return null;
      });
      return 0;
    } catch (Throwable t) {
      return fail(t);
    }
  }

  @Override
  public int mkdir(String path, long mode) {
    try {
      change(t -> t.mkdir(path, (int) mode & 07777, callerUid(), callerGid()));
      return 0;
    } catch (Throwable t) {
      return fail(t);
    }
  }

  @Override
  public int mknod(String path, long mode, long rdev) {
    try {
      EntryType type = EntryType.fromModeOrNull((int) mode);
      if (type == null || type == EntryType.DIRECTORY || type == EntryType.SYMLINK) {
        return -Errno.EINVAL;
      }
      change(t -> {
        if (type == EntryType.REGULAR) {
          t.createFile(path, (int) mode & 07777, callerUid(), callerGid());
        } else {
          t.mknod(path, type, (int) mode & 07777, type.isDevice() ? rdev : 0, callerUid(), callerGid());
        }
      });
      kept.forget(path);
      return 0;
    } catch (Throwable t) {
      return fail(t);
    }
  }

  @Override
  public int unlink(String path) {
    try {
      if (hidden.remove(path)) {
        return 0;
      }
      change(t -> t.unlink(path));
      kept.forget(path);
      return 0;
    } catch (Throwable t) {
      return fail(t);
    }
  }

  @Override
  public int rmdir(String path) {
    try {
      change(t -> t.rmdir(path));
      return 0;
    } catch (Throwable t) {
      return fail(t);
    }
  }

  @Override
  public int symlink(String target, String linkPath) {
    try {
      byte[] bytes = target.getBytes(java.nio.charset.Charset.defaultCharset());
      change(t -> t.symlink(bytes, linkPath, callerUid(), callerGid()));
      return 0;
    } catch (Throwable t) {
      return fail(t);
    }
  }

  @Override
  public int rename(String from, String to) {
    try {
      change(t -> {
        if (HiddenFiles.isHiddenName(to) && files.anyAt(t, from)) {
          hidden.hide(t, from, to);
        } else {
          t.rename(from, to);
        }
      });
      kept.forget(from); // the kernel inodes there moved, with their pages
      kept.forget(to);
      return 0;
    } catch (Throwable t) {
      return fail(t);
    }
  }

  @Override
  public int link(String existing, String newPath) {
    try {
      change(t -> t.link(existing, newPath));
      kept.forget(newPath);
      return 0;
    } catch (Throwable t) {
      return fail(t);
    }
  }

  @Override
  public int chmod(String path, long mode) {
    try {
      change(t -> t.chmod(path, (int) mode & 07777));
      return 0;
    } catch (Throwable t) {
      return fail(t);
    }
  }

  @Override
  public int chown(String path, long uid, long gid) {
    try {
      change(t -> {
        Stat s = t.getattr(path);
        long u = (uid & NO_ID) == NO_ID ? s.meta().uid() : uid & NO_ID;
        long g = (gid & NO_ID) == NO_ID ? s.meta().gid() : gid & NO_ID;
        t.chown(path, u, g);
      });
      return 0;
    } catch (Throwable t) {
      return fail(t);
    }
  }

  /**
   * Sets the mtime from {@code timespec[1]} ({@code UTIME_NOW}: now; {@code UTIME_OMIT}: left
   * alone). The atime ({@code timespec[0]}) is not kept: versions store the mtime only, and a
   * mount shows it as the atime too (fs/README.md).
   */
  @Override
  public int utimens(String path, Timespec[] timespec) {
    try {
      long nsec = timespec[1].tv_nsec.longValue();
      if (nsec == UTIME_OMIT) {
        run(t -> t.getattr(path)); // still ENOENT for a missing file
        return 0;
      }
      long mtime = nsec == UTIME_NOW ? currentTimeNanos()
          : timespec[1].tv_sec.get() * 1_000_000_000L + nsec;
      change(t -> t.utimens(path, mtime));
      return 0;
    } catch (Throwable t) {
      return fail(t);
    }
  }

  private static long currentTimeNanos() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  @Override
  public int setxattr(String path, String name, Pointer value, long size, int flags) {
    try {
      String n = xattrName(name);
      byte[] v = new byte[(int) size];
      value.get(0, v, 0, v.length);
      return run(t -> {
        boolean exists = t.getxattrOrNull(path, n) != null;
        if ((flags & XATTR_CREATE) != 0 && exists) {
          return -Errno.EEXIST;
        }
        if ((flags & XATTR_REPLACE) != 0 && !exists) {
          return -Errno.ENODATA;
        }
        t.setxattr(path, n, v);
        return 0;
      });
    } catch (Throwable t) {
      return fail(t);
    }
  }

  @Override
  public int removexattr(String path, String name) {
    try {
      String n = xattrName(name);
      return run(t -> {
        if (t.getxattrOrNull(path, n) == null) {
          return -Errno.ENODATA;
        }
        t.removexattr(path, n);
        return 0;
      });
    } catch (Throwable t) {
      return fail(t);
    }
  }

  @Override
  public int fsync(String path, int isdatasync, FuseFileInfo fi) {
    try {
      change(t -> t.sync());
      return 0;
    } catch (Throwable t) {
      return fail(t);
    }
  }

  // No flush(): every write is journaled before its callback returns, so a close has nothing
  // left to flush. Unregistered, it costs one ENOSYS and then no FLUSH on every close(2).

  @Override
  public int release(String path, FuseFileInfo fi) {
    try {
      files.close(fi.fh.get());
      hidden.forgetUnused(files::anyOn);
      return 0;
    } catch (Throwable t) {
      return fail(t);
    }
  }

  /**
   * Mode 0 extends the file with zeros to {@code off + length} as posix_fallocate does;
   * {@code FALLOC_FL_KEEP_SIZE} alone succeeds with nothing to do (casfs reserves no blocks).
   * Punching or zeroing ranges is not supported.
   */
  @Override
  public int fallocate(String path, int mode, long off, long length, FuseFileInfo fi) {
    if (mode == FALLOC_FL_KEEP_SIZE) {
      return 0;
    }
    if (mode != 0) {
      return -Errno.EOPNOTSUPP;
    }
    if (off < 0 || length <= 0) {
      return -Errno.EINVAL;
    }
    try {
      onFile(fi, path, f -> {
        f.transaction().extend(f, path, off + length);
        return null;
      });
      return 0;
    } catch (Throwable t) {
      return fail(t);
    }
  }
}
