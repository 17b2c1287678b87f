package org.casfs.fs;

import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * Tells the kernel, through the mount's {@code /dev/fuse} descriptor, that what it cached is out
 * of date. A notification is one {@code write(2)} of a {@code fuse_out_header} with
 * {@code unique = 0} and the notify code in its error field, then the code's own struct
 * (include/uapi/linux/fuse.h):
 *
 * <ul>
 *   <li>{@code FUSE_NOTIFY_INC_EPOCH} (8, protocol 7.44, Linux 6.16): every name the kernel
 *       looked up before is looked up again on its next use (each dentry remembers the epoch of
 *       the lookup that made it; a lookup already in flight carries the old epoch). One message,
 *       however many names are cached. libfuse 2 has no call for it, hence this class.
 *   <li>{@code FUSE_NOTIFY_INVAL_INODE} (2) with offset -1: the attributes of one node are
 *       fetched again; a reply already in flight for that node no longer updates them (its
 *       attribute version is older), which also stops a short read from cutting the cached size.
 * </ul>
 *
 * Neither takes a lock the kernel could be holding while it waits for our reply, so both may be
 * sent from inside a callback. A kernel without INC_EPOCH answers {@code EINVAL}; the mount then
 * falls back to short cache timeouts (see {@link FuseMount}). Thread-safe: each message is one
 * write of its own buffer.
 */
public final class KernelNotifier {
  /** Node id libfuse gives the mount's root directory. */
  public static final long ROOT_NODE = 1;
  private static final int FUSE_NOTIFY_INVAL_INODE = 2;
  private static final int FUSE_NOTIFY_INC_EPOCH = 8;
  private static final int HEADER = 16;
  private static final int ENOENT = 2;

  /** The one libc call we need. */
  public interface LibC {
    long write(int fd, Pointer buf, long count);
  }

  private static volatile LibC libc;
  private final int fd;
  private final Runtime runtime;

  KernelNotifier(int fuseFd) {
    if (fuseFd < 0) {
      throw new IllegalArgumentException("no /dev/fuse descriptor: " + fuseFd);
    }
    this.fd = fuseFd;
    this.runtime = Runtime.getRuntime(libc());
  }

  private static LibC libc() {
    if (libc == null) {
      synchronized (KernelNotifier.class) {
        if (libc == null) {
          libc = LibraryLoader.create(LibC.class).failImmediately().load("c");
        }
      }
    }
    return libc;
  }

  /**
   * Makes the kernel look every cached name up again before using it.
   *
   * @return 0, or the errno the kernel answered ({@code EINVAL}: it predates INC_EPOCH)
   */
  public int incrementEpoch() {
    Pointer m = Memory.allocateDirect(runtime, HEADER, true);
    header(m, HEADER, FUSE_NOTIFY_INC_EPOCH);
    return send(m, HEADER);
  }

  /**
   * Makes the kernel fetch the attributes of node {@code nodeId} again (and ignore any attributes
   * a request already in flight brings back for it).
   *
   * @return 0, or the errno the kernel answered ({@code ENOENT}: it holds no such node, fine)
   */
  public int invalidateAttributes(long nodeId) {
    int len = HEADER + 24;
    Pointer m = Memory.allocateDirect(runtime, len, true);
    header(m, len, FUSE_NOTIFY_INVAL_INODE);
    m.putLong(HEADER, nodeId);
    m.putLong(HEADER + 8, -1);
    m.putLong(HEADER + 16, 0);
    int err = send(m, len);
    return err == ENOENT ? 0 : err;
  }

  private static void header(Pointer m, int len, int code) {
    m.putInt(0, len);
    m.putInt(4, code);
    m.putLong(8, 0);
  }

  private int send(Pointer m, int len) {
    long n = libc.write(fd, m, len);
    if (n == len) {
      return 0;
    }
    return n < 0 ? LastError.getLastError(runtime) : 5; // a short write: EIO
  }
}
