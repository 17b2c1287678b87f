package org.casfs.sync.pull;

import java.io.IOException;

/** A pull that did not complete; nothing it fetched was switched to or staged. */
public final class PullException extends IOException {
  private static final long serialVersionUID = 1L;

  /** What kind of failure, for exit codes. */
  public enum Kind { REFUSED, NO_SPACE, SOURCES_FAILED }

  private final Kind kind;

  public PullException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
