package org.casfs.cas.posix;

import java.nio.ByteBuffer;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The libc calls casfs needs that the JDK lacks or that must take paths as raw bytes. Paths are
 * NUL-terminated byte arrays (see {@link Posix}). Every call saves errno. glibc 2.33 or newer
 * (exports {@code mknod} and {@code statx} as plain symbols).
 *
 * <p>Public only because jnr-ffi generates its implementation in another class loader; use
 * {@link Posix}, which checks every result.
 */
@SaveError
public interface LibC {
  int statx(int dirfd, @In byte[] path, int flags, int mask, @Out byte[] statxBuf);

  @ssize_t long llistxattr(@In byte[] path, @Out byte[] list, @size_t long size);

  @ssize_t long lgetxattr(@In byte[] path, @In byte[] name, @Out byte[] value, @size_t long size);

  int lsetxattr(@In byte[] path, @In byte[] name, @In byte[] value, @size_t long size, int flags);

  int lremovexattr(@In byte[] path, @In byte[] name);

  int lchown(@In byte[] path, int uid, int gid);

  int chmod(@In byte[] path, int mode);

  int mknod(@In byte[] path, int mode, long dev);

  int mkdir(@In byte[] path, int mode);

  int rmdir(@In byte[] path);

  int geteuid();

  int unlink(@In byte[] path);

  int rename(@In byte[] from, @In byte[] to);

  int renameat2(int fromDir, @In byte[] from, int toDir, @In byte[] to, int flags);

  int symlink(@In byte[] target, @In byte[] linkPath);

  int link(@In byte[] existing, @In byte[] newPath);

  int utimensat(int dirfd, @In byte[] path, @In long[] times, int flags);

  @ssize_t long readlink(@In byte[] path, @Out byte[] buf, @size_t long size);

  int open(@In byte[] path, int flags, int mode);

  int close(int fd);

  int dup(int fd);

  @ssize_t long read(int fd, @Out ByteBuffer buf, @size_t long count);

  @ssize_t long write(int fd, @In ByteBuffer buf, @size_t long count);

  long lseek(int fd, long offset, int whence);

  int ftruncate(int fd, long length);

  /** Returns 0 or the error number itself (it does not set errno). */
  int posix_fallocate(int fd, long offset, long len);

  int syncfs(int fd);

  int sync_file_range(int fd, long offset, long nbytes, int flags);

  /** Returns 0 or the error number itself (it does not set errno). */
  int posix_fadvise(int fd, long offset, long len, int advice);

  Pointer opendir(@In byte[] path);

  Pointer readdir64(Pointer dir);

  int closedir(Pointer dir);

  String strerror(int errnum);
}
