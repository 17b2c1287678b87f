package org.casfs.cas.posix;

import java.io.IOException;

/**
 * A system call failed for one path: the message names the call, the path (printable) and the
 * system's reason, e.g. {@code lgetxattr /a/b (security.capability): Permission denied}.
 */
public final class PosixException extends IOException {
  private static final long serialVersionUID = 1L;
  private final int errno;

  public PosixException(String call, String printablePath, int errno, String reason) {
    super(call + " " + printablePath + ": " + reason + " (errno " + errno + ")");
    this.errno = errno;
  }

  /** The errno value, as on this machine. */
  public int errno() {
    return errno;
  }
}
