package org.casfs.txn;

/**
 * POSIX error numbers (Linux values) for the failures that {@code java.nio.file} has no
 * exception for. The FUSE adapter maps {@link FsException#errno()} straight to its return code;
 * the JDK exceptions map as: {@code NoSuchFileException} ENOENT, {@code FileAlreadyExistsException}
 * EEXIST, {@code DirectoryNotEmptyException} ENOTEMPTY, {@code NotDirectoryException} ENOTDIR.
 */
public enum Errno {
  EPERM(1), EBUSY(16), EXDEV(18), EISDIR(21), EINVAL(22), ENAMETOOLONG(36), ENODATA(61), ELOOP(40),
  EMLINK(31), ERANGE(34), EIO(5), ENOSPC(28);

  private final int code;

  Errno(int code) {
    this.code = code;
  }

  /** The positive Linux errno value. */
  public int code() {
    return code;
  }
}
