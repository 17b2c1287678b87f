package org.casfs.fs;

import java.nio.charset.StandardCharsets;
import java.util.List;
import jnr.ffi.Pointer;
import ru.serce.jnrfuse.struct.Statvfs;

/**
 * The byte-copying replies both adapters give the kernel: xattr values and name lists with the
 * size-probe protocol ({@code size == 0} asks for the length, a short buffer is {@code ERANGE}),
 * and statfs. Stateless.
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
}
