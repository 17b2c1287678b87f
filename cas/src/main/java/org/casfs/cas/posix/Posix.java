package org.casfs.cas.posix;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import org.casfs.cas.Name;
import org.casfs.cas.nativelib.JffiStub;

/**
 * The file system as the kernel sees it, for exact import and checkout: paths are raw bytes (so
 * names that are not UTF-8 survive, which {@code java.nio.file} cannot promise), and the calls
 * cover what the JDK lacks: {@code lstat} with nanosecond times, inode and device numbers, every
 * extended attribute namespace root may read, {@code lchown}, {@code mknod}, {@code utimensat}
 * without following symlinks, and {@code readlink} as bytes.
 *
 * <p>Every failure is a {@link PosixException} naming the call, the path and the reason; nothing
 * is skipped silently. Paths are limited to {@code PATH_MAX} (4096 bytes), as the kernel limits
 * them. Linux only (x86-64 and arm64 constants). Thread-safe: every method is a stateless call.
 */
public final class Posix {
  public static final int EPERM = 1;
  public static final int ENOENT = 2;
  public static final int EEXIST = 17;
  public static final int ERANGE = 34;
  public static final int ENODATA = 61;
  public static final int EOPNOTSUPP = 95;
  public static final int EOVERFLOW = 75;

  private static final int AT_FDCWD = -100;
  private static final int RENAME_EXCHANGE = 2;
  private static final int AT_SYMLINK_NOFOLLOW = 0x100;
  private static final int AT_EMPTY_PATH = 0x1000;
  private static final int STATX_BASIC_STATS = 0x7ff;
  private static final int O_WRONLY = 01;
  private static final int O_CREAT = 0100;
  private static final int O_EXCL = 0200;
  private static final int O_CLOEXEC = 02000000;
  private static final int O_NONBLOCK = 04000;
  private static final int O_PATH = 010000000;
  private static final int O_NOFOLLOW = isArm64() ? 0100000 : 0400000;
  private static final int SEEK_CUR = 1;
  private static final int SYNC_FILE_RANGE_WRITE = 2;
  private static final int POSIX_FADV_DONTNEED = 4;
  private static final long UTIME_OMIT = (1L << 30) - 2;
  private static final int IO_CHUNK = 256 * 1024;

  private static final LibC LIBC = libc();
  private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
  private static final Charset PATH_CHARSET =
      Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
  private static final ThreadLocal<ByteBuffer> IO_BUFFER =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(IO_CHUNK));

  private Posix() {}

  private static LibC libc() {
    JffiStub.useCachedCopy();
    return LibraryLoader.create(LibC.class).load("c");
  }

  private static boolean isArm64() {
    String arch = System.getProperty("os.arch", "");
    return arch.equals("aarch64") || arch.equals("arm64");
  }

  /** The bytes the kernel sees for a JDK path (only ever for paths the JDK could spell). */
  public static byte[] bytes(Path path) {
    return path.toString().getBytes(PATH_CHARSET);
  }

  /** {@code dir + "/" + name}. */
  public static byte[] join(byte[] dir, byte[] name) {
    boolean slash = dir.length > 0 && dir[dir.length - 1] == '/';
    byte[] out = new byte[dir.length + (slash ? 0 : 1) + name.length];
    System.arraycopy(dir, 0, out, 0, dir.length);
    if (!slash) {
      out[dir.length] = '/';
    }
    System.arraycopy(name, 0, out, out.length - name.length, name.length);
    return out;
  }

  /** A path for messages: one line, control and non-UTF-8 bytes escaped. */
  public static String printable(byte[] path) {
    return Name.printable(path);
  }

  private static byte[] c(byte[] s) {
    byte[] out = Arrays.copyOf(s, s.length + 1);
    return out;
  }

  private static byte[] c(String s) {
    return c(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  private static PosixException fail(String call, byte[] path) {
    int errno = LastError.getLastError(RUNTIME);
    return new PosixException(call, printable(path), errno, LIBC.strerror(errno));
  }

  private static PosixException fail(String call, byte[] path, String detail) {
    int errno = LastError.getLastError(RUNTIME);
    return new PosixException(call, printable(path) + " (" + detail + ")", errno, LIBC.strerror(errno));
  }

  private static void check(int rc, String call, byte[] path) throws PosixException {
    if (rc != 0) {
      throw fail(call, path);
    }
  }

  /** {@code lstat}: the path itself, never what a symlink points at. */
  public static FileStat lstat(byte[] path) throws PosixException {
    FileStat st = lstatOrNull(path);
    if (st == null) {
      LastError.setLastError(RUNTIME, ENOENT);
      throw fail("lstat", path);
    }
    return st;
  }

  /** Like {@link #lstat}, but null when nothing is at the path. */
  public static FileStat lstatOrNull(byte[] path) throws PosixException {
    byte[] buf = new byte[256];
    if (LIBC.statx(AT_FDCWD, c(path), AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, buf) != 0) {
      if (LastError.getLastError(RUNTIME) == ENOENT) {
        return null;
      }
      throw fail("lstat", path);
    }
    return fileStat(buf, "lstat", path);
  }

  /** {@code fstat}: the file {@code fd} is open on, whatever its path names now. */
  public static FileStat fstat(int fd, byte[] pathForErrors) throws PosixException {
    byte[] buf = new byte[256];
    if (LIBC.statx(fd, new byte[1], AT_EMPTY_PATH, STATX_BASIC_STATS, buf) != 0) {
      throw fail("fstat", pathForErrors);
    }
    return fileStat(buf, "fstat", pathForErrors);
  }

  private static FileStat fileStat(byte[] buf, String call, byte[] path) throws PosixException {
    ByteBuffer b = ByteBuffer.wrap(buf).order(ByteOrder.nativeOrder());
    long nlink = Integer.toUnsignedLong(b.getInt(16));
    long uid = Integer.toUnsignedLong(b.getInt(20));
    long gid = Integer.toUnsignedLong(b.getInt(24));
    int mode = b.getShort(28) & 0xffff;
    long ino = b.getLong(32);
    long size = b.getLong(40);
    long blocks = b.getLong(48);
    long ctime = nanos(b.getLong(96), b.getInt(104), "change", call, path);
    long mtime = nanos(b.getLong(112), b.getInt(120), "modification", call, path);
    long rdev = makedev(b.getInt(128), b.getInt(132));
    long dev = makedev(b.getInt(136), b.getInt(140));
    return new FileStat(mode, uid, gid, size, mtime, ctime, ino, dev, nlink, rdev, blocks);
  }

  /**
   * A timestamp as nanoseconds since the epoch. Filesystems keep later ones (ext4 until 2446),
   * which a long of nanoseconds cannot hold: such a file is refused with {@code EOVERFLOW}, as the
   * kernel refuses a {@code stat} whose answer does not fit, rather than recorded as a time three
   * centuries away from its own.
   */
  private static long nanos(long seconds, int nanoseconds, String which, String call, byte[] path)
      throws PosixException {
    try {
      return Math.addExact(Math.multiplyExact(seconds, 1_000_000_000L), Integer.toUnsignedLong(nanoseconds));
    } catch (ArithmeticException e) {
      throw new PosixException(call, printable(path), EOVERFLOW, "its " + which + " time ("
          + Instant.ofEpochSecond(seconds) + ") is outside what casfs records (1677-09-21 to 2262-04-11)")
          .explained("give it a time in that range (touch -h -d) and try again");
    }
  }

  /** CAP_CHOWN, CAP_FOWNER, CAP_SYS_ADMIN (trusted and security xattrs), CAP_MKNOD. */
  private static final long CHECKOUT_CAPABILITIES = 1L << 0 | 1L << 3 | 1L << 21 | 1L << 27;

  /**
   * Whether this process has root's powers over files: any owner, any mode, trusted and security
   * xattrs, device nodes (those capabilities in its effective set). Root without them, as in a
   * container or under {@code setpriv}, is refused as a plain user is. Without /proc to say,
   * whether its effective user id is root's.
   */
  public static boolean hasRootPowers() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("CapEff:")) {
          long effective = Long.parseUnsignedLong(line.substring("CapEff:".length()).strip(), 16);
          return (effective & CHECKOUT_CAPABILITIES) == CHECKOUT_CAPABILITIES;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // no /proc: fall through
    }
    return LIBC.geteuid() == 0;
  }

  /** glibc's {@code makedev}. */
  public static long makedev(int major, int minor) {
    long ma = Integer.toUnsignedLong(major);
    long mi = Integer.toUnsignedLong(minor);
    return (ma & 0xfffL) << 8 | (ma & 0xfffff000L) << 32 | mi & 0xffL | (mi & 0xffffff00L) << 12;
  }

  /** The names in a directory (without {@code .} and {@code ..}), as raw bytes, unsorted. */
  public static List<byte[]> list(byte[] dir) throws PosixException {
    Pointer d = LIBC.opendir(c(dir));
    if (d == null) {
      throw fail("opendir", dir);
    }
    List<byte[]> names = new ArrayList<>();
    try {
      while (true) {
        LastError.setLastError(RUNTIME, 0);
        Pointer ent = LIBC.readdir64(d);
        if (ent == null) {
          if (LastError.getLastError(RUNTIME) != 0) {
            throw fail("readdir", dir);
          }
          return names;
        }
        int len = ent.indexOf(19, (byte) 0);
        byte[] name = new byte[len];
        ent.get(19, name, 0, len);
        if (!(len == 1 && name[0] == '.' || len == 2 && name[0] == '.' && name[1] == '.')) {
          names.add(name);
        }
      }
    } finally {
      LIBC.closedir(d);
    }
  }

  /** A symlink's target, exactly as stored. */
  public static byte[] readlink(byte[] path) throws PosixException {
    byte[] buf = new byte[4097];
    long n = LIBC.readlink(c(path), buf, buf.length);
    if (n < 0) {
      throw fail("readlink", path);
    }
    if (n >= buf.length) {
      throw new PosixException("readlink", printable(path), 36, "symlink target longer than 4096 bytes");
    }
    return Arrays.copyOf(buf, (int) n);
  }

  /**
   * Every extended attribute of the path itself (not a symlink's target), names as ISO-8859-1
   * strings (one char per byte). Any attribute that cannot be read is an error.
   */
  public static TreeMap<String, byte[]> readXattrs(byte[] path) throws PosixException {
    TreeMap<String, byte[]> out = new TreeMap<>();
    byte[] p = c(path);
    for (int attempt = 0; ; attempt++) {
      long size = LIBC.llistxattr(p, null, 0);
      if (size < 0) {
        throw fail("llistxattr", path);
      }
      if (size == 0) {
        return out;
      }
      byte[] list = new byte[(int) size];
      long n = LIBC.llistxattr(p, list, size);
      if (n < 0) {
        if (LastError.getLastError(RUNTIME) == ERANGE && attempt < 5) {
          continue; // attributes added meanwhile
        }
        throw fail("llistxattr", path);
      }
      int start = 0;
      for (int i = 0; i < n; i++) {
        if (list[i] == 0) {
          if (i > start) {
            String name = new String(list, start, i - start, StandardCharsets.ISO_8859_1);
            out.put(name, getXattr(p, path, name));
          }
          start = i + 1;
        }
      }
      return out;
    }
  }

  private static byte[] getXattr(byte[] cpath, byte[] path, String name) throws PosixException {
    byte[] cname = c(name);
    for (int attempt = 0; ; attempt++) {
      long size = LIBC.lgetxattr(cpath, cname, null, 0);
      if (size < 0) {
        throw fail("lgetxattr", path, name);
      }
      byte[] value = new byte[(int) size];
      if (size == 0) {
        return value;
      }
      long n = LIBC.lgetxattr(cpath, cname, value, size);
      if (n >= 0) {
        return n == size ? value : Arrays.copyOf(value, (int) n);
      }
      if (LastError.getLastError(RUNTIME) != ERANGE || attempt >= 5) {
        throw fail("lgetxattr", path, name);
      }
    }
  }

  /** Sets one extended attribute on the path itself. */
  public static void setXattr(byte[] path, String name, byte[] value) throws PosixException {
    if (LIBC.lsetxattr(c(path), c(name), value, value.length, 0) != 0) {
      throw fail("lsetxattr", path, name);
    }
  }

  /**
   * Removes one extended attribute from the path itself, if it has it: an absent attribute, or a
   * filesystem that keeps none ({@code EOPNOTSUPP}), leaves nothing to remove.
   */
  public static void removeXattrIfPresent(byte[] path, String name) throws PosixException {
    if (LIBC.lremovexattr(c(path), c(name)) != 0) {
      int errno = LastError.getLastError(RUNTIME);
      if (errno != ENODATA && errno != EOPNOTSUPP) {
        throw fail("lremovexattr", path, name);
      }
    }
  }

  public static void lchown(byte[] path, long uid, long gid) throws PosixException {
    check(LIBC.lchown(c(path), (int) uid, (int) gid), "lchown", path);
  }

  /** {@code chmod}; follows symlinks, so never call it on one (their mode is fixed anyway). */
  public static void chmod(byte[] path, int mode) throws PosixException {
    check(LIBC.chmod(c(path), mode), "chmod", path);
  }

  /** Creates a device node, fifo or socket: {@code mode} holds the type bits too. */
  public static void mknod(byte[] path, int mode, long rdev) throws PosixException {
    check(LIBC.mknod(c(path), mode, rdev), "mknod", path);
  }

  public static void mkdir(byte[] path, int mode) throws PosixException {
    check(LIBC.mkdir(c(path), mode), "mkdir", path);
  }

  public static void rmdir(byte[] path) throws PosixException {
    check(LIBC.rmdir(c(path)), "rmdir", path);
  }

  public static void unlink(byte[] path) throws PosixException {
    check(LIBC.unlink(c(path)), "unlink", path);
  }

  public static void rename(byte[] from, byte[] to) throws PosixException {
    // The message only on failure: a pull renames a thousand files into place.
    if (LIBC.rename(c(from), c(to)) != 0) {
      throw fail("rename to " + printable(to) + " from", from);
    }
  }

  /**
   * Swaps two paths in one atomic step (Linux {@code renameat2(RENAME_EXCHANGE)}): at no instant is
   * either name missing. Fails with EINVAL on a filesystem that cannot do it (ext4, xfs, btrfs and
   * tmpfs can).
   */
  public static void exchange(byte[] a, byte[] b) throws PosixException {
    if (LIBC.renameat2(AT_FDCWD, c(a), AT_FDCWD, c(b), RENAME_EXCHANGE) != 0) {
      throw fail("exchange with " + printable(b) + " the path", a);
    }
  }

  public static void symlink(byte[] target, byte[] linkPath) throws PosixException {
    check(LIBC.symlink(c(target), c(linkPath)), "symlink", linkPath);
  }

  /** A hardlink {@code newPath} to {@code existing} (a symlink is linked, not followed). */
  public static void link(byte[] existing, byte[] newPath) throws PosixException {
    if (LIBC.link(c(existing), c(newPath)) != 0) {
      throw fail("link to " + printable(existing) + " at", newPath);
    }
  }

  /** Sets the modification time (ns) of the path itself; the access time is left alone. */
  public static void setMtime(byte[] path, long mtimeNanos) throws PosixException {
    long[] times = {0, UTIME_OMIT, Math.floorDiv(mtimeNanos, 1_000_000_000L),
        Math.floorMod(mtimeNanos, 1_000_000_000L)};
    check(LIBC.utimensat(AT_FDCWD, c(path), times, AT_SYMLINK_NOFOLLOW), "utimensat", path);
  }

  /**
   * Writes every dirty page and inode of the filesystem that holds {@code path} to disk and waits
   * (Linux {@code syncfs}): one journal commit for many files written just before, where an
   * fsync per file would wait for one commit each. Reports write-back errors since Linux 5.8.
   */
  public static void syncfs(byte[] path) throws PosixException {
    int fd = LIBC.open(c(path), O_CLOEXEC, 0);
    if (fd < 0) {
      throw fail("open", path);
    }
    try {
      check(LIBC.syncfs(fd), "syncfs", path);
    } finally {
      LIBC.close(fd);
    }
  }

  /**
   * Asks the kernel to start writing the open file's dirty pages to disk now, without waiting
   * (Linux {@code sync_file_range(SYNC_FILE_RANGE_WRITE)}): a later {@link #syncfs} then finds most
   * of the data on its way instead of starting all of it at once. Only a hint: it makes nothing
   * durable, and a failure is ignored.
   */
  public static void startWriteBack(int fd) {
    LIBC.sync_file_range(fd, 0, 0, SYNC_FILE_RANGE_WRITE);
  }

  /**
   * Asks the kernel to drop the open file's pages from the page cache (Linux {@code
   * posix_fadvise(POSIX_FADV_DONTNEED)}): those on disk leave it, the others stay until written.
   * Waits for nothing and takes no write-back failure from a later sync. Only a hint: a failure
   * is ignored.
   */
  public static void dropCachedPages(int fd) {
    LIBC.posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  }

  /**
   * Opens a file for reading; a symlink in its place is an error, not followed. Non-blocking, so
   * that a FIFO put in the place of a regular file fails to read instead of waiting for a writer
   * forever (reads of regular files ignore the flag); callers check what they opened with
   * {@link #fstat}.
   */
  public static int openRead(byte[] path) throws PosixException {
    int fd = LIBC.open(c(path), O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0);
    if (fd < 0) {
      throw fail("open", path);
    }
    return fd;
  }

  /**
   * An {@code O_PATH} descriptor of a directory (or any file): it reads nothing, but {@code
   * /proc/self/fd/N/NAME} then names NAME in it by a short path, for calls whose path has a
   * limit, such as a Unix socket's 107 bytes.
   */
  public static int openPath(byte[] path) throws PosixException {
    int fd = LIBC.open(c(path), O_PATH | O_CLOEXEC, 0);
    if (fd < 0) {
      throw fail("open", path);
    }
    return fd;
  }

  /** Creates a new file for writing; anything already at the path is an error. */
  public static int createNew(byte[] path, int mode) throws PosixException {
    int fd = LIBC.open(c(path), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd < 0) {
      throw fail("open", path);
    }
    return fd;
  }

  public static void close(int fd, byte[] pathForErrors) throws PosixException {
    check(LIBC.close(fd), "close", pathForErrors);
  }

  /**
   * A second descriptor of the same open file, or -1 if none can be had (the process's limit):
   * for what needs the file after its first descriptor is closed and its close checked.
   */
  public static int dupOrMinusOne(int fd) {
    return LIBC.dup(fd);
  }

  /** Closes a descriptor whose failure to close tells nothing the caller would act on. */
  public static void closeIgnoringErrors(int fd) {
    LIBC.close(fd);
  }

  /** Reads up to {@code len} bytes (at most 256 KiB); 0 means end of file. */
  public static int read(int fd, byte[] buf, int off, int len, byte[] pathForErrors) throws PosixException {
    ByteBuffer direct = IO_BUFFER.get();
    direct.clear();
    long n = LIBC.read(fd, direct, Math.min(len, IO_CHUNK));
    if (n < 0) {
      throw fail("read", pathForErrors);
    }
    direct.get(0, buf, off, (int) n);
    return (int) n;
  }

  /**
   * One {@code read(2)} into a direct buffer, from its start up to its capacity, for a descriptor
   * whose errors are part of its protocol (a {@code /dev/fuse} channel: the caller decides).
   *
   * @return the bytes read, or the negated errno
   */
  public static long readDirect(int fd, ByteBuffer direct) {
    checkDirect(direct);
    long n = LIBC.read(fd, direct, direct.capacity());
    return n >= 0 ? n : -LastError.getLastError(RUNTIME);
  }

  /**
   * One {@code write(2)} of the first {@code len} bytes of a direct buffer (a reply or message
   * that must go whole).
   *
   * @return 0, or the errno ({@code EIO} for a short write)
   */
  public static int writeDirect(int fd, ByteBuffer direct, int len) {
    checkDirect(direct);
    long n = LIBC.write(fd, direct, len);
    if (n == len) {
      return 0;
    }
    return n < 0 ? LastError.getLastError(RUNTIME) : EIO;
  }

  /** errno for a short write: the rest of a message that must go whole is lost. */
  private static final int EIO = 5;

  private static void checkDirect(ByteBuffer b) {
    if (!b.isDirect() || b.position() != 0) {
      throw new IllegalArgumentException("a direct buffer at position 0 is needed, not " + b);
    }
  }

  /** Writes all of {@code buf[off, off+len)}. */
  public static void writeFully(int fd, byte[] buf, int off, int len, byte[] pathForErrors) throws PosixException {
    ByteBuffer direct = IO_BUFFER.get();
    while (len > 0) {
      int chunk = Math.min(len, IO_CHUNK);
      direct.clear();
      direct.put(0, buf, off, chunk);
      long n = LIBC.write(fd, direct, chunk);
      if (n < 0) {
        throw fail("write", pathForErrors);
      }
      off += (int) n;
      len -= (int) n;
    }
  }

  /** Moves the file offset forward without writing (leaves a hole). */
  public static void skip(int fd, long count, byte[] pathForErrors) throws PosixException {
    if (LIBC.lseek(fd, count, SEEK_CUR) < 0) {
      throw fail("lseek", pathForErrors);
    }
  }

  public static void truncate(int fd, long length, byte[] pathForErrors) throws PosixException {
    check(LIBC.ftruncate(fd, length), "ftruncate", pathForErrors);
  }

  /**
   * Gives the file's first {@code length} bytes blocks of their own on the disk (zeros), so that
   * they are taken from its free space now (libc writes zeros where the filesystem cannot).
   */
  public static void allocate(int fd, long length, byte[] pathForErrors) throws PosixException {
    int errno = LIBC.posix_fallocate(fd, 0, length);
    if (errno != 0) {
      throw new PosixException("posix_fallocate", printable(pathForErrors), errno, LIBC.strerror(errno));
    }
  }
}
