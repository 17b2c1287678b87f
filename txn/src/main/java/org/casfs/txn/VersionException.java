package org.casfs.txn;

import java.util.List;

/**
 * A VERSION argument that names nothing usable: unknown, ambiguous, malformed, or a rollback
 * without a previous version. Bad input, not a damaged repository; the message says what to do.
 */
public final class VersionException extends Exception {
  private static final long serialVersionUID = 1L;

  public enum Reason { UNKNOWN, AMBIGUOUS, NO_PARENT, NO_PREVIOUS, INCOMPLETE }

  private final Reason reason;
  private final List<String> candidates;

  public VersionException(Reason reason, String message) {
    this(reason, message, List.of());
  }

  public VersionException(Reason reason, String message, List<String> candidates) {
    super(message);
    this.reason = reason;
    this.candidates = List.copyOf(candidates);
  }

  public Reason reason() {
    return reason;
  }

  /** For {@link Reason#AMBIGUOUS}: the ids the prefix matches. */
  public List<String> candidates() {
    return candidates;
  }
}
