package org.casfs.fs;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import jnr.ffi.Pointer;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.Statvfs;
import ru.serce.jnrfuse.struct.Timespec;

/**
 * The byte-copying replies both adapters give the kernel: stat and readdir entries, xattr values
 * and name lists with the size-probe protocol ({@code size == 0} asks for the length, a short
 * buffer is {@code ERANGE}), and statfs. Stateless.
 */
final class FuseReplies {
  private FuseReplies() {}

  /** Copies an xattr value (null: absent) into {@code out}; returns the length or a negative errno. */
  static int xattrValue(byte[] value, Pointer out, long size) {
    if (value == null) {
      return -Errno.ENODATA;
    }
    if (size == 0) {
      return value.length;
    }
    if (size < value.length) {
      return -Errno.ERANGE;
    }
    out.put(0, value, 0, value.length);
    return value.length;
  }

  /** Copies xattr names (ISO-8859-1 strings of their bytes) NUL-terminated into {@code out}. */
  static int xattrNames(List<String> names, Pointer out, long size) {
    int total = 0;
    for (String n : names) {
      total += n.length() + 1;
    }
    if (size == 0) {
      return total;
    }
    if (size < total) {
      return -Errno.ERANGE;
    }
    long pos = 0;
    for (String n : names) {
      byte[] b = n.getBytes(StandardCharsets.ISO_8859_1);
      out.put(pos, b, 0, b.length);
      out.putByte(pos + b.length, (byte) 0);
      pos += b.length + 1;
    }
    return total;
  }

  /** Copies a symlink target, NUL-terminated and truncated to the buffer as readlink(2) does. */
  static int symlinkTarget(byte[] target, Pointer out, long size) {
    if (size <= 0) {
      return -Errno.EINVAL;
    }
    int n = (int) Math.min(target.length, size - 1);
    out.put(0, target, 0, n);
    out.putByte(n, (byte) 0);
    return 0;
  }

  /** Fills a statvfs reply. */
  static int statfs(FsStats s, Statvfs st) {
    st.f_bsize.set(s.blockSize());
    st.f_frsize.set(s.blockSize());
    st.f_blocks.set(s.blocks());
    st.f_bfree.set(s.blocksFree());
    st.f_bavail.set(s.blocksAvailable());
    st.f_files.set(s.files());
    st.f_ffree.set(s.filesFree());
    st.f_favail.set(s.filesFree());
    st.f_namemax.set(s.nameMax());
    return 0;
  }

  /** Fills a stat reply from the core's attributes. */
  static void attr(FileStat st, Attr a) {
    st.st_ino.set(a.ino());
    st.st_mode.set(a.mode());
    st.st_nlink.set(a.nlink());
    st.st_uid.set(a.uid());
    st.st_gid.set(a.gid());
    st.st_rdev.set(a.rdev());
    st.st_size.set(a.size());
    st.st_blocks.set(a.blocks());
    st.st_blksize.set(4096);
    setTime(st.st_mtim, a.mtimeNanos());
    setTime(st.st_atim, a.mtimeNanos());
    setTime(st.st_ctim, a.ctimeNanos());
  }

  private static void setTime(Timespec t, long nanos) {
    t.tv_sec.set(Math.floorDiv(nanos, 1_000_000_000L));
    t.tv_nsec.set(Math.floorMod(nanos, 1_000_000_000L));
  }

  /**
   * Adds one directory entry to a readdir reply ({@code st}/{@code stp}: a scratch stat and its
   * memory, reused across entries); false once the kernel's buffer is full.
   */
  static boolean dirEntry(FuseFillDir filter, Pointer buf, FileStat st, Pointer stp, byte[] name, Attr a,
      long nextOffset) {
    attr(st, a);
    ByteBuffer cname = ByteBuffer.allocate(name.length + 1).put(name).put((byte) 0);
    cname.flip();
    return filter.apply(buf, cname, stp, nextOffset) == 0;
  }
}
