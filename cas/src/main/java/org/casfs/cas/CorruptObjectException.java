package org.casfs.cas;

/**
 * An object whose bytes do not match its name, or that does not decode: damaged on disk or
 * hostile from the network. Never served, never stored.
 */
public final class CorruptObjectException extends ObjectException {
  private static final long serialVersionUID = 1L;

  public CorruptObjectException(ObjectId id, String what) {
    super(id, (id == null ? "object" : "object " + id) + " is corrupt: " + what);
  }

  /** Bytes hashed to {@code actual} where {@code expected} was named. */
  public static CorruptObjectException mismatch(ObjectId expected, ObjectId actual) {
    return new CorruptObjectException(expected, "its bytes hash to " + actual
        + "; run 'casfs fsck --repair URL' to fetch a good copy");
  }
}
