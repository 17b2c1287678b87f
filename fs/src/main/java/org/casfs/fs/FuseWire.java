package org.casfs.fs;

import java.nio.ByteBuffer;

/**
 * The FUSE kernel protocol's structs as {@link ImageServer} reads and writes them
 * (include/uapi/linux/fuse.h, protocol 7.31), little-endian at fixed offsets. A request is a
 * 40-byte {@code fuse_in_header} and the opcode's struct; a reply is a 16-byte
 * {@code fuse_out_header} (length, negated errno, the request's {@code unique}) and the answer.
 * Stateless.
 */
final class FuseWire {
  /** The node id of the mount's root directory. */
  static final long ROOT_NODE = 1;
  static final int IN_HEADER = 40;
  static final int OUT_HEADER = 16;
  static final int MAJOR = 7;
  static final int MINOR = 31;

  // fuse_init_in.flags / fuse_init_out.flags
  static final int ASYNC_READ = 1;
  static final int PARALLEL_DIROPS = 1 << 18;
  static final int NO_OPEN_SUPPORT = 1 << 17;
  static final int CACHE_SYMLINKS = 1 << 23;
  static final int NO_OPENDIR_SUPPORT = 1 << 24;

  // fuse_open_out.open_flags
  static final int FOPEN_KEEP_CACHE = 2;
  static final int FOPEN_CACHE_DIR = 8;

  // notification codes (the error field of a header with unique 0)
  static final int NOTIFY_INVAL_INODE = 2;
  static final int NOTIFY_INVAL_ENTRY = 3;

  static final int ATTR = 88;
  static final int ENTRY_OUT = 40 + ATTR;
  static final int ATTR_OUT = 16 + ATTR;
  static final int DIRENT = 24;

  private FuseWire() {}

  /** The {@code fuse_out_header} of a reply or notification of {@code len} bytes in all. */
  static void header(ByteBuffer out, int len, int error, long unique) {
    out.putInt(0, len);
    out.putInt(4, error);
    out.putLong(8, unique);
  }

  /** {@code struct fuse_attr} at {@code at}. */
  static void attr(ByteBuffer out, int at, Attr a) {
    long sec = Math.floorDiv(a.mtimeNanos(), 1_000_000_000L);
    int nsec = (int) Math.floorMod(a.mtimeNanos(), 1_000_000_000L);
    long csec = Math.floorDiv(a.ctimeNanos(), 1_000_000_000L);
    int cnsec = (int) Math.floorMod(a.ctimeNanos(), 1_000_000_000L);
    out.putLong(at, a.ino());
    out.putLong(at + 8, a.size());
    out.putLong(at + 16, a.blocks());
    out.putLong(at + 24, sec); // atime: a version has no access times; mtime is what tar expects
    out.putLong(at + 32, sec);
    out.putLong(at + 40, csec);
    out.putInt(at + 48, nsec);
    out.putInt(at + 52, nsec);
    out.putInt(at + 56, cnsec);
    out.putInt(at + 60, a.mode());
    out.putInt(at + 64, a.nlink());
    out.putInt(at + 68, (int) a.uid());
    out.putInt(at + 72, (int) a.gid());
    out.putInt(at + 76, (int) a.rdev());
    out.putInt(at + 80, 4096);
    out.putInt(at + 84, 0);
  }

  /**
   * {@code struct fuse_entry_out} at {@code at}: node {@code nodeId} (0 with a null attr: "no such
   * name", which the kernel caches as a negative entry) valid for {@code seconds}.
   */
  static void entry(ByteBuffer out, int at, long nodeId, Attr a, long seconds) {
    out.putLong(at, nodeId);
    out.putLong(at + 8, 0); // generation: node ids are never reused while the mount lives
    out.putLong(at + 16, seconds);
    out.putLong(at + 24, seconds);
    out.putInt(at + 32, 0);
    out.putInt(at + 36, 0);
    if (a != null) {
      attr(out, at + 40, a);
    } else {
      for (int i = 0; i < ATTR; i += 8) {
        out.putLong(at + 40 + i, 0);
      }
    }
  }

  /** {@code struct fuse_attr_out} at {@code at}. */
  static void attrOut(ByteBuffer out, int at, Attr a, long seconds) {
    out.putLong(at, seconds);
    out.putInt(at + 8, 0);
    out.putInt(at + 12, 0);
    attr(out, at + 16, a);
  }

  /** Bytes a {@code struct fuse_dirent} with a name of {@code nameLength} takes, padded to 8. */
  static int direntSize(int nameLength) {
    return (DIRENT + nameLength + 7) & ~7;
  }

  /** {@code struct fuse_dirent} at {@code at}; returns the padded size written. */
  static int dirent(ByteBuffer out, int at, long ino, long nextOffset, int mode, byte[] name) {
    int size = direntSize(name.length);
    out.putLong(at, ino);
    out.putLong(at + 8, nextOffset);
    out.putInt(at + 16, name.length);
    out.putInt(at + 20, (mode >>> 12) & 0xf);
    out.put(at + DIRENT, name);
    for (int i = at + DIRENT + name.length; i < at + size; i++) {
      out.put(i, (byte) 0);
    }
    return size;
  }

  /**
   * {@code FUSE_NOTIFY_INVAL_ENTRY}: the kernel forgets the name {@code name} under node
   * {@code parent}, so its next use looks it up again. Returns the message's length.
   */
  static int invalidateEntry(ByteBuffer out, long parent, byte[] name) {
    int len = OUT_HEADER + 16 + name.length + 1;
    header(out, len, NOTIFY_INVAL_ENTRY, 0);
    out.putLong(OUT_HEADER, parent);
    out.putInt(OUT_HEADER + 8, name.length);
    out.putInt(OUT_HEADER + 12, 0);
    out.put(OUT_HEADER + 16, name);
    out.put(OUT_HEADER + 16 + name.length, (byte) 0);
    return len;
  }

  /**
   * {@code FUSE_NOTIFY_INVAL_INODE}: the kernel fetches node {@code node}'s attributes again and
   * drops its cached pages from {@code offset} ({@code length} 0: to the end; offset -1: none).
   * Returns the message's length.
   */
  static int invalidateNode(ByteBuffer out, long node, long offset, long length) {
    int len = OUT_HEADER + 24;
    header(out, len, NOTIFY_INVAL_INODE, 0);
    out.putLong(OUT_HEADER, node);
    out.putLong(OUT_HEADER + 8, offset);
    out.putLong(OUT_HEADER + 16, length);
    return len;
  }

  /** The NUL-terminated string at {@code at} (a name or xattr name in a request), without the NUL. */
  static byte[] cString(ByteBuffer in, int at, int end) {
    int stop = at;
    while (stop < end && in.get(stop) != 0) {
      stop++;
    }
    byte[] b = new byte[stop - at];
    in.get(at, b);
    return b;
  }
}
