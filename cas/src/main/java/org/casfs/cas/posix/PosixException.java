package org.casfs.cas.posix;

import java.io.IOException;

/**
 * A system call failed for one path: the message names the call, the path (printable) and the
 * system's reason, e.g. {@code lgetxattr /a/b (security.capability): Permission denied}, and
 * sometimes what to do about it.
 */
public final class PosixException extends IOException {
  private static final long serialVersionUID = 1L;
  private final String call;
  private final String subject;
  private final int errno;
  private final String reason;
  private final String advice;

  public PosixException(String call, String printablePath, int errno, String reason) {
    this(call, printablePath, errno, reason, null);
  }

  private PosixException(String call, String subject, int errno, String reason, String advice) {
    super(call + " " + subject + ": " + reason + " (errno " + errno + ")" + (advice == null ? "" : "; " + advice));
    this.call = call;
    this.subject = subject;
    this.errno = errno;
    this.reason = reason;
    this.advice = advice;
  }

  /** The libc call that failed, e.g. {@code lsetxattr}. */
  public String call() {
    return call;
  }

  /** The errno value, as on this machine. */
  public int errno() {
    return errno;
  }

  /** The same failure with what to do about it: "call path: reason (errno N); advice". */
  public PosixException explained(String whatToDo) {
    PosixException told = new PosixException(call, subject, errno, reason, whatToDo);
    told.initCause(this);
    return told;
  }

  /**
   * The same failure told of the path a user knows: a call on a temporary file ({@code from})
   * reported for the file it was to become ({@code to}).
   */
  public PosixException about(byte[] from, byte[] to) {
    PosixException moved = new PosixException(call,
        subject.replace(Posix.printable(from), Posix.printable(to)), errno, reason, advice);
    moved.initCause(this);
    return moved;
  }
}
