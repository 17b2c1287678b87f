package org.casfs.fs;

import com.kenai.jffi.MemoryIO;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import jnr.ffi.Pointer;
import jnr.ffi.Struct;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;
import ru.serce.jnrfuse.struct.Timespec;

/**
 * The kernel's view of a {@link SnapshotImage}: each callback turns the path into bytes, calls
 * the core, copies bytes or attributes out and maps failures to errno in {@link Errno}. Every
 * mutating callback is overridden to answer {@code EROFS} ({@link FuseStubFS} would report
 * success). Thread-safe: callbacks run on several threads at once.
 *
 * <p>Kernel caches: once the mount hands it a {@link KernelNotifier}, every switch of the image
 * makes the kernel look all names up again and refetch the root's attributes, so the mount may
 * let the kernel cache names and attributes for long (a lookup then refreshes a node's
 * attributes too). A reader of an older version that reads past its end makes the kernel cut the
 * shared inode's size to its own (which is what ends its reads at its own end); when the last such
 * reader of a path closes, the node's attributes are invalidated, so the kernel fetches the shown
 * version's size again. Until then new opens of that path read around the cache, where the cut
 * size does not clip ({@link PageCachePolicy}).
 */
public class CasFuse extends FuseStubFS implements MountableFs {
  /** Where libfuse 2 keeps the direct_io/keep_cache bitfield in {@code struct fuse_file_info}. */
  static final int FILE_INFO_BITS_OFFSET = 20;
  private static final int DIRECT_IO = 1;
  private static final int KEEP_CACHE = 2;
  private static final int O_ACCMODE = 3;
  private static final int O_TRUNC = 01000;

  private final SnapshotImage image;
  private final PageCachePolicy cachePolicy;
  private final long staleAttrNanos;
  private final Consumer<String> log;
  private final Charset pathCharset = Charset.defaultCharset();
  private final Map<Long, Object> handles = new ConcurrentHashMap<>();
  private final AtomicLong nextHandle = new AtomicLong(1);
  private final KernelCaches kernel;
  /** Non-null for a pinned mount: contents read without a handle. */
  private final OpenContents handleless;

  /**
   * @param attrCacheNanos how long the kernel may keep attributes (the mount's attr_timeout),
   *     during which a switched file's old size may still be cached
   */
  public CasFuse(SnapshotImage image, PageCachePolicy cachePolicy, long attrCacheNanos, Consumer<String> log) {
    this(image, cachePolicy, attrCacheNanos, log, false);
  }

  /**
   * @param pinned true if {@code image} will never switch (a mount of one version): then the
   *     first open answers {@code ENOSYS}, after which the kernel opens and closes files without
   *     asking (no OPEN, no RELEASE) and keeps their pages; reads arrive without a handle and are
   *     served by path from blobs kept open here. A switch of a pinned image is refused.
   */
  public CasFuse(SnapshotImage image, PageCachePolicy cachePolicy, long attrCacheNanos, Consumer<String> log,
      boolean pinned) {
    this.handleless = pinned ? new OpenContents(64) : null;
    this.kernel = new KernelCaches(log);
    this.image = image;
    this.staleAttrNanos = attrCacheNanos + 200_000_000L;
    this.cachePolicy = cachePolicy;
    this.log = log;
    if (pinned) {
      image.pin();
    } else {
      image.addSwitchListener(kernel::switched);
    }
  }

  @Override
  public boolean notifiesKernel() {
    return true;
  }

  @Override
  public void unmounted() {
    kernel.close();
    if (handleless != null) {
      handleless.closeAll();
    }
  }

  @Override
  public void useKernelNotifier(KernelNotifier notifier) {
    kernel.attach(notifier);
  }

  @Override
  public ru.serce.jnrfuse.struct.FuseOperations operations() {
    return fuseOperations;
  }

  public SnapshotImage image() {
    return image;
  }

  /** Open handles (files and directories); 0 once every opener has closed. */
  public int openHandles() {
    return handles.size();
  }

  @Override
  protected String getFSName() {
    return "casfs";
  }

  private byte[] bytes(String path) {
    return path.getBytes(pathCharset);
  }

  private int fail(Throwable t) {
    return -Errno.of(t, log);
  }

  // ---- reading -------------------------------------------------------------------------------

  @Override
  public int getattr(String path, FileStat stat) {
    try {
      FuseReplies.attr(stat, image.getattr(bytes(path)));
      return 0;
    } catch (Throwable t) {
      return fail(t);
    }
  }

  /**
   * Answers with the path's attributes in the shown version, not the open handle's: the kernel
   * caches one inode per path for all versions, and refreshes it through whichever handle reads,
   * so an old version's size reported here would clip the reads of every newer opener for a
   * second. A reader of an old version still gets its own bytes and its own end of file.
   */
  @Override
  public int fgetattr(String path, FileStat stat, FuseFileInfo fi) {
    int r = getattr(path, stat);
    if (r == -Errno.ENOENT && handles.get(fi.fh.get()) instanceof OpenFile f) {
      FuseReplies.attr(stat, f.attr());
      return 0;
    }
    return r;
  }

  @Override
  public int readlink(String path, Pointer buf, long size) {
    try {
      return FuseReplies.symlinkTarget(image.readlink(bytes(path)), buf, size);
    } catch (Throwable t) {
      return fail(t);
    }
  }

  @Override
  public int opendir(String path, FuseFileInfo fi) {
    try {
      DirListing d = image.opendir(bytes(path));
      long fh = nextHandle.getAndIncrement();
      handles.put(fh, d);
      fi.fh.set(fh);
      return 0;
    } catch (Throwable t) {
      return fail(t);
    }
  }

  @Override
  public int readdir(String path, Pointer buf, FuseFillDir filter, long offset, FuseFileInfo fi) {
    try {
      DirListing d = handles.get(fi.fh.get()) instanceof DirListing l ? l : image.opendir(bytes(path));
      FileStat st = new FileStat(jnr.ffi.Runtime.getSystemRuntime());
      Pointer stp = Struct.getMemory(st);
      image.readdir(d, offset, e -> FuseReplies.dirEntry(filter, buf, st, stp, e.name(), e.attr(), e.nextOffset()));
      return 0;
    } catch (Throwable t) {
      return fail(t);
    }
  }

  @Override
  public int releasedir(String path, FuseFileInfo fi) {
    handles.remove(fi.fh.get());
    return 0;
  }

  @Override
  public int open(String path, FuseFileInfo fi) {
    int flags = fi.flags.get();
    if ((flags & O_ACCMODE) != 0 || (flags & O_TRUNC) != 0) {
      return -Errno.EROFS;
    }
    if (handleless != null) {
      return -Errno.ENOSYS; // the kernel stops sending OPEN (fc->no_open) and RELEASE
    }
    try {
      byte[] p = bytes(path);
      OpenFile f = image.open(p);
      PageCachePolicy.Mode mode = cachePolicy.opened(p, f.blobId(), image.switchedWithin(staleAttrNanos));
      long fh = nextHandle.getAndIncrement();
      handles.put(fh, f);
      fi.fh.set(fh);
      setCacheBits(fi, mode);
      return 0;
    } catch (Throwable t) {
      return fail(t);
    }
  }

  /**
   * A read of a pinned mount: no handle, so the path names the file. Its blob stays open (and
   * verified) in {@link #handleless} for the reads that follow.
   */
  private int readByPath(String path, Pointer buf, long size, long offset) throws java.io.IOException {
    byte[] p = bytes(path);
    org.casfs.cas.Entry e = image.regularFile(p);
    ByteBuffer dst = readTarget(buf, size, offset, e.size());
    return dst == null ? 0 : handleless.read(e.childId(), () -> image.openContent(e, p), offset, dst);
  }

  /**
   * The kernel's read buffer itself, as a direct ByteBuffer as long as the bytes a read at
   * {@code offset} may return (file bytes land there with no heap copy); null when there are none.
   */
  private static ByteBuffer readTarget(Pointer buf, long size, long offset, long fileSize) {
    if (size <= 0 || offset >= fileSize) {
      return null;
    }
    int want = (int) Math.min(size, fileSize - offset);
    return MemoryIO.getInstance().newDirectByteBuffer(buf.address(), want);
  }

  static void setCacheBits(FuseFileInfo fi, PageCachePolicy.Mode mode) {
    Pointer mem = Struct.getMemory(fi);
    int bits = mem.getInt(FILE_INFO_BITS_OFFSET) & ~(DIRECT_IO | KEEP_CACHE);
    switch (mode) {
      case KEEP -> bits |= KEEP_CACHE;
      case DIRECT -> bits |= DIRECT_IO | KEEP_CACHE;
      case INVALIDATE -> { }
    }
    mem.putInt(FILE_INFO_BITS_OFFSET, bits);
  }

  @Override
  public int read(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
    try {
      if (!(handles.get(fi.fh.get()) instanceof OpenFile f)) {
        return handleless != null ? readByPath(path, buf, size, offset) : -Errno.EBADF;
      }
      ByteBuffer dst = readTarget(buf, size, offset, f.size());
      return dst == null ? 0 : f.read(offset, dst);
    } catch (Throwable t) {
      return fail(t);
    }
  }

  // No flush(): a read-only file has nothing to flush. Left unimplemented, jnr-fuse does not
  // register it, libfuse answers the first FLUSH with ENOSYS and the kernel stops sending one on
  // every close(2), a synchronous round trip per file that tar or a compiler opens.

  @Override
  public int release(String path, FuseFileInfo fi) {
    Object h = handles.remove(fi.fh.get());
    if (h instanceof OpenFile f) {
      if (kernel.attached() && cachePolicy.isLastOlderReader(f.path(), f.blobId())) {
        // Its reads past its end may have cut the kernel's size of this node to its own; none of
        // them can follow now, so the kernel may refetch the shown version's attributes for good.
        kernel.requestNodeAttributesStale();
      }
      cachePolicy.released(f.path(), f.blobId());
      try {
        f.close();
      } catch (Throwable t) {
        return fail(t);
      }
    }
    return 0;
  }

  @Override
  public int getxattr(String path, String name, Pointer value, long size) {
    try {
      String n = xattrName(name);
      byte[] v = image.getxattrOrNull(bytes(path), n);
      if (v == null && image.xattrFeatureUnused(n)) {
        return -Errno.EOPNOTSUPP; // ls then stops asking this mount (XattrFeatures)
      }
      return FuseReplies.xattrValue(v, value, size);
    } catch (Throwable t) {
      return fail(t);
    }
  }

  /** Xattr names are byte strings; the core keys them as ISO-8859-1 strings of those bytes. */
  private String xattrName(String name) {
    return new String(name.getBytes(pathCharset), StandardCharsets.ISO_8859_1);
  }

  @Override
  public int listxattr(String path, Pointer list, long size) {
    try {
      List<String> names = image.listxattr(bytes(path));
      return FuseReplies.xattrNames(names, list, size);
    } catch (Throwable t) {
      return fail(t);
    }
  }

  @Override
  public int statfs(String path, Statvfs st) {
    try {
      FsStats s = image.statfs();
      return FuseReplies.statfs(s, st);
    } catch (Throwable t) {
      return fail(t);
    }
  }

  @Override
  public int access(String path, int mask) {
    try {
      image.lookup(bytes(path));
      return (mask & 2) != 0 ? -Errno.EROFS : 0;
    } catch (Throwable t) {
      return fail(t);
    }
  }

  // ---- refused: a read-only mount changes nothing ----------------------------------------------

  @Override
  public int mknod(String path, long mode, long rdev) {
    return -Errno.EROFS;
  }

  @Override
  public int mkdir(String path, long mode) {
    return -Errno.EROFS;
  }

  @Override
  public int unlink(String path) {
    return -Errno.EROFS;
  }

  @Override
  public int rmdir(String path) {
    return -Errno.EROFS;
  }

  @Override
  public int symlink(String oldpath, String newpath) {
    return -Errno.EROFS;
  }

  @Override
  public int rename(String oldpath, String newpath) {
    return -Errno.EROFS;
  }

  @Override
  public int link(String oldpath, String newpath) {
    return -Errno.EROFS;
  }

  @Override
  public int chmod(String path, long mode) {
    return -Errno.EROFS;
  }

  @Override
  public int chown(String path, long uid, long gid) {
    return -Errno.EROFS;
  }

  @Override
  public int truncate(String path, long size) {
    return -Errno.EROFS;
  }

  @Override
  public int ftruncate(String path, long size, FuseFileInfo fi) {
    return -Errno.EROFS;
  }

  @Override
  public int write(String path, Pointer buf, long size, long offset, FuseFileInfo fi) {
    return -Errno.EROFS;
  }

  @Override
  public int create(String path, long mode, FuseFileInfo fi) {
    return -Errno.EROFS;
  }

  @Override
  public int setxattr(String path, String name, Pointer value, long size, int flags) {
    return -Errno.EROFS;
  }

  @Override
  public int removexattr(String path, String name) {
    return -Errno.EROFS;
  }

  @Override
  public int utimens(String path, Timespec[] timespec) {
    return -Errno.EROFS;
  }

  @Override
  public int fallocate(String path, int mode, long off, long length, FuseFileInfo fi) {
    return -Errno.EROFS;
  }

  @Override
  public int fsync(String path, int isdatasync, FuseFileInfo fi) {
    return 0;
  }
}
