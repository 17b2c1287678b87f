package org.casfs.txn;

import java.nio.file.FileSystemException;

/** A POSIX failure of a transaction operation that java.nio.file has no exception type for. */
public final class FsException extends FileSystemException {
  private static final long serialVersionUID = 1L;
  private final Errno errno;

  public FsException(Errno errno, String path, String reason) {
    super(path, null, errno.name() + ": " + reason);
    this.errno = errno;
  }

  public Errno errno() {
    return errno;
  }
}
