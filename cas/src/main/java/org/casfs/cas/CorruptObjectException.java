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

  /**
   * Received bytes (from a server, a peer, a mirror, a caller) that hash to {@code actual} where
   * {@code expected} was named. Nothing is said of what to do: that depends on where they came from.
   */
  public static CorruptObjectException mismatch(ObjectId expected, ObjectId actual) {
    return new CorruptObjectException(expected, "its bytes hash to " + actual);
  }

  /** A stored copy whose bytes hash to {@code actual}: damaged on this machine, to be fetched again. */
  public static CorruptObjectException damagedCopy(ObjectId expected, ObjectId actual) {
    return new CorruptObjectException(expected, "its bytes hash to " + actual
        + "; run 'casfs fsck --repair URL' to fetch a good copy");
  }
}
