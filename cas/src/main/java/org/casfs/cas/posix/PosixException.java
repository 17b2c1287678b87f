package org.casfs.cas.posix;

import java.io.IOException;

/**
 * A system call failed for one path: the message names the call, the path (printable) and the
 * system's reason, e.g. {@code lgetxattr /a/b (security.capability): Permission denied}.
 */
public final class PosixException extends IOException {
  private static final long serialVersionUID = 1L;
  private final String call;
  private final String subject;
  private final int errno;
  private final String reason;

  public PosixException(String call, String printablePath, int errno, String reason) {
    super(call + " " + printablePath + ": " + reason + " (errno " + errno + ")");
    this.call = call;
    this.subject = printablePath;
    this.errno = errno;
    this.reason = reason;
  }

  /** The errno value, as on this machine. */
  public int errno() {
    return errno;
  }

  /**
   * The same failure told of the path a user knows: a call on a temporary file ({@code from})
   * reported for the file it was to become ({@code to}).
   */
  public PosixException about(byte[] from, byte[] to) {
    PosixException moved = new PosixException(call,
        subject.replace(Posix.printable(from), Posix.printable(to)), errno, reason);
    moved.initCause(this);
    return moved;
  }
}
