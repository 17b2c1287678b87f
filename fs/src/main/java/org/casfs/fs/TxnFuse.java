package org.casfs.fs;

import com.kenai.jffi.MemoryIO;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import jnr.ffi.Pointer;
import jnr.ffi.Struct;
import org.casfs.cas.EntryType;
import org.casfs.txn.Stat;
import org.casfs.txn.Transaction;
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
 */
public final class TxnFuse extends FuseStubFS implements MountableFs {
  private static final int XATTR_CREATE = 1;
  private static final int XATTR_REPLACE = 2;
  private static final long UTIME_NOW = (1L << 30) - 1;
  private static final long UTIME_OMIT = (1L << 30) - 2;
  private static final long NO_ID = 0xffffffffL;

  private final Transactions transactions;
  private final AtomicReference<Transaction> live;
  private final java.nio.file.Path statfsPath;
  private final Consumer<String> log;

  /** @param statfsPath statfs reports the filesystem holding it (the repository's); may be null */
  public TxnFuse(Transactions transactions, Transaction txn, java.nio.file.Path statfsPath, Consumer<String> log) {
    this.transactions = transactions;
    this.live = new AtomicReference<>(txn);
    this.statfsPath = statfsPath;
    this.log = log;
  }

  @Override
  public ru.serce.jnrfuse.struct.FuseOperations operations() {
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
    long mtime = s.meta().mtimeNanos();
    return new Attr(s.inode(), s.stMode(), s.isDirectory() ? 2 : s.nlink(), s.meta().uid(), s.meta().gid(),
        s.rdev(), s.size(), Attr.blocksFor(s.size()), mtime, mtime);
  }

  // ---- reads ----------------------------------------------------------------------------------

  @Override
  public int getattr(String path, FileStat stat) {
    try {
      FuseReplies.attr(stat, attr(txn().getattr(path)));
      return 0;
    } catch (Throwable t) {
      return fail(t);
    }
  }

  @Override
  public int readdir(String path, Pointer buf, FuseFillDir filter, long offset, FuseFileInfo fi) {
    try {
      List<Stat> entries = txn().readdir(path);
      FileStat st = new FileStat(jnr.ffi.Runtime.getSystemRuntime());
      Pointer stp = Struct.getMemory(st);
      Attr self = attr(txn().getattr(path));
      for (long i = offset; i < entries.size() + 2; i++) {
        byte[] name;
        Attr a;
        if (i < 2) {
          name = i == 0 ? new byte[] {'.'} : new byte[] {'.', '.'};
          a = self;
        } else {
          Stat s = entries.get((int) (i - 2));
          name = s.name().bytes();
          a = attr(s);
        }
        if (!FuseReplies.dirEntry(filter, buf, st, stp, name, a, i + 1)) {
          break;
        }
      }
      return 0;
    } catch (Throwable t) {
      return fail(t);
    }
  }

  @Override
  public int readlink(String path, Pointer buf, long size) {
    try {
      return FuseReplies.symlinkTarget(txn().readlink(path), buf, size);
    } catch (Throwable t) {
      return fail(t);
    }
  }

  @Override
  public int open(String path, FuseFileInfo fi) {
    try {
      Stat s = txn().getattr(path);
      return s.isDirectory() ? -Errno.EISDIR : 0;
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
      return txn().read(path, offset, MemoryIO.getInstance().newDirectByteBuffer(buf.address(), (int) size));
    } catch (Throwable t) {
      return fail(t);
    }
  }

  @Override
  public int getxattr(String path, String name, Pointer value, long size) {
    try {
      byte[] v = txn().getxattrOrNull(path, xattrName(name));
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
      List<String> names = txn().listxattr(path);
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
      txn().getattr(path);
      return 0;
    } catch (Throwable t) {
      return fail(t);
    }
  }

  // ---- changes --------------------------------------------------------------------------------

  @Override
  public int create(String path, long mode, FuseFileInfo fi) {
    try {
      txn().createFile(path, (int) mode & 07777, callerUid(), callerGid());
      return 0;
    } catch (Throwable t) {
      return fail(t);
    }
  }

  @Override
  public int write(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
    try {
      return txn().write(path, offset, MemoryIO.getInstance().newDirectByteBuffer(buf.address(), (int) size));
    } catch (Throwable t) {
      return fail(t);
    }
  }

  @Override
  public int truncate(String path, long size) {
    try {
      txn().truncate(path, size);
      return 0;
    } catch (Throwable t) {
      return fail(t);
    }
  }

  @Override
  public int ftruncate(String path, long size, FuseFileInfo fi) {
    return truncate(path, size);
  }

  @Override
  public int mkdir(String path, long mode) {
    try {
      txn().mkdir(path, (int) mode & 07777, callerUid(), callerGid());
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
      if (type == EntryType.REGULAR) {
        txn().createFile(path, (int) mode & 07777, callerUid(), callerGid());
      } else {
        txn().mknod(path, type, (int) mode & 07777, type.isDevice() ? rdev : 0, callerUid(), callerGid());
      }
      return 0;
    } catch (Throwable t) {
      return fail(t);
    }
  }

  @Override
  public int unlink(String path) {
    try {
      txn().unlink(path);
      return 0;
    } catch (Throwable t) {
      return fail(t);
    }
  }

  @Override
  public int rmdir(String path) {
    try {
      txn().rmdir(path);
      return 0;
    } catch (Throwable t) {
      return fail(t);
    }
  }

  @Override
  public int symlink(String target, String linkPath) {
    try {
      txn().symlink(target.getBytes(java.nio.charset.Charset.defaultCharset()), linkPath, callerUid(), callerGid());
      return 0;
    } catch (Throwable t) {
      return fail(t);
    }
  }

  @Override
  public int rename(String from, String to) {
    try {
      txn().rename(from, to);
      return 0;
    } catch (Throwable t) {
      return fail(t);
    }
  }

  @Override
  public int link(String existing, String newPath) {
    try {
      txn().link(existing, newPath);
      return 0;
    } catch (Throwable t) {
      return fail(t);
    }
  }

  @Override
  public int chmod(String path, long mode) {
    try {
      txn().chmod(path, (int) mode & 07777);
      return 0;
    } catch (Throwable t) {
      return fail(t);
    }
  }

  @Override
  public int chown(String path, long uid, long gid) {
    try {
      Stat s = txn().getattr(path);
      long u = (uid & NO_ID) == NO_ID ? s.meta().uid() : uid & NO_ID;
      long g = (gid & NO_ID) == NO_ID ? s.meta().gid() : gid & NO_ID;
      txn().chown(path, u, g);
      return 0;
    } catch (Throwable t) {
      return fail(t);
    }
  }

  @Override
  public int utimens(String path, Timespec[] timespec) {
    try {
      long nsec = timespec[1].tv_nsec.longValue();
      if (nsec == UTIME_OMIT) {
        return 0;
      }
      long mtime = nsec == UTIME_NOW ? currentTimeNanos()
          : timespec[1].tv_sec.get() * 1_000_000_000L + nsec;
      txn().utimens(path, mtime);
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
      boolean exists = txn().getxattrOrNull(path, n) != null;
      if ((flags & XATTR_CREATE) != 0 && exists) {
        return -Errno.EEXIST;
      }
      if ((flags & XATTR_REPLACE) != 0 && !exists) {
        return -Errno.ENODATA;
      }
      byte[] v = new byte[(int) size];
      value.get(0, v, 0, v.length);
      txn().setxattr(path, n, v);
      return 0;
    } catch (Throwable t) {
      return fail(t);
    }
  }

  @Override
  public int removexattr(String path, String name) {
    try {
      String n = xattrName(name);
      if (txn().getxattrOrNull(path, n) == null) {
        return -Errno.ENODATA;
      }
      txn().removexattr(path, n);
      return 0;
    } catch (Throwable t) {
      return fail(t);
    }
  }

  @Override
  public int fsync(String path, int isdatasync, FuseFileInfo fi) {
    try {
      txn().sync();
      return 0;
    } catch (Throwable t) {
      return fail(t);
    }
  }

  // No flush(): every write is journaled before its callback returns, so a close has nothing
  // left to flush. Unregistered, it costs one ENOSYS and then no FLUSH on every close(2).

  @Override
  public int release(String path, FuseFileInfo fi) {
    return 0;
  }

  @Override
  public int fallocate(String path, int mode, long off, long length, FuseFileInfo fi) {
    return -Errno.EOPNOTSUPP;
  }
}
