package org.casfs.fs;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.ReadOnlyFileSystemException;
import java.util.function.Consumer;
import org.casfs.cas.ObjectException;

/**
 * The one place where exceptions become errno values (Linux numbers; casfs mounts only on
 * Linux). Expected conditions map silently; an object problem ({@code EIO}) was already logged
 * where it was found; anything unexpected is logged as one line and becomes {@code EIO}.
 */
public final class Errno {
  public static final int EPERM = 1;
  public static final int ENOENT = 2;
  public static final int EINTR = 4;
  public static final int EIO = 5;
  public static final int EBADF = 9;
  public static final int EAGAIN = 11;
  public static final int EACCES = 13;
  public static final int EEXIST = 17;
  public static final int EXDEV = 18;
  public static final int ENODEV = 19;
  public static final int ENOTDIR = 20;
  public static final int EISDIR = 21;
  public static final int EINVAL = 22;
  public static final int EFBIG = 27;
  public static final int ENOSPC = 28;
  public static final int EROFS = 30;
  public static final int ERANGE = 34;
  public static final int ENAMETOOLONG = 36;
  public static final int ENOSYS = 38;
  public static final int ENOTEMPTY = 39;
  public static final int ELOOP = 40;
  public static final int ENODATA = 61;
  public static final int EPROTO = 71;
  public static final int EOPNOTSUPP = 95;

  private Errno() {}

  /** A failure a callback can raise to return a specific errno. */
  public static final class ErrnoException extends java.io.IOException {
    private static final long serialVersionUID = 1L;
    private final int errno;

    public ErrnoException(int errno, String message) {
      super(message);
      this.errno = errno;
    }

    public int errno() {
      return errno;
    }
  }

  /** The positive errno for {@code t}. */
  public static int of(Throwable t, Consumer<String> log) {
    if (t instanceof ErrnoException e) {
      return e.errno();
    }
    if (t instanceof org.casfs.txn.FsException e) {
      return e.errno().code();
    }
    if (t instanceof NoSuchFileException) {
      return ENOENT;
    }
    if (t instanceof NotDirectoryException) {
      return ENOTDIR;
    }
    if (t instanceof NotLinkException) {
      return EINVAL;
    }
    if (t instanceof FileAlreadyExistsException) {
      return EEXIST;
    }
    if (t instanceof DirectoryNotEmptyException) {
      return ENOTEMPTY;
    }
    if (t instanceof AccessDeniedException) {
      return EACCES;
    }
    if (t instanceof ReadOnlyFileSystemException) {
      return EROFS;
    }
    if (t instanceof ObjectException) {
      return EIO;
    }
    if (t instanceof IllegalArgumentException e && e.getMessage() != null
        && e.getMessage().contains("longer than 255")) {
      return ENAMETOOLONG;
    }
    if (t instanceof IllegalArgumentException) {
      return EINVAL;
    }
    // The repository's disk refused a write: the program is told what any disk would tell it.
    int full = org.casfs.cas.posix.DiskFull.errnoOrZero(t);
    if (full != 0) {
      return full;
    }
    log.accept("casfs: unexpected " + t);
    return EIO;
  }
}
