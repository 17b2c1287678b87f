package org.casfs.cas;

/**
 * An object whose bytes do not match its name, or that does not decode: damaged on disk or
 * hostile from the network. Never served, never stored.
 */
public final class CorruptObjectException extends ObjectException {
  private static final long serialVersionUID = 1L;

  private final String what;
  private final String advice;

  public CorruptObjectException(ObjectId id, String what) {
    this(id, what, null);
  }

  /** {@code what} is wrong and, if not null, {@code advice} says what to do: "…: what; advice". */
  public CorruptObjectException(ObjectId id, String what, String advice) {
    super(id, (id == null ? "object" : "object " + id) + " is corrupt: " + what
        + (advice == null ? "" : "; " + advice));
    this.what = what;
    this.advice = advice;
  }

  /** The message without its "object ID is corrupt: " opening (for lines that name the object already). */
  public String detail() {
    return what + (advice == null ? "" : "; " + advice);
  }

  /** The same failure told with where it was met, before the advice: "…: what (context); advice". */
  public CorruptObjectException at(String context) {
    CorruptObjectException told = new CorruptObjectException(id(), what + " (" + context + ")", advice);
    told.initCause(this);
    return told;
  }

  /**
   * Received bytes (from a server, a peer, a mirror, a caller) that hash to {@code actual} where
   * {@code expected} was named. Nothing is said of what to do: that depends on where they came from.
   */
  public static CorruptObjectException mismatch(ObjectId expected, ObjectId actual) {
    return new CorruptObjectException(expected, "its bytes hash to " + actual);
  }

  /** A stored copy whose bytes hash to {@code actual}: damaged on this machine, to be fetched again. */
  public static CorruptObjectException damagedCopy(ObjectId expected, ObjectId actual) {
    return new CorruptObjectException(expected, "its bytes hash to " + actual,
        "run 'casfs fsck --repair URL' to fetch a good copy");
  }
}
