package org.casfs.sync.trust;

import java.io.IOException;

/**
 * A version that this machine refuses: unsigned, signed by a key it does not trust, tampered, for
 * another channel, not newer than what runs, or expired. The message says which and what to do;
 * {@link #reason()} lets callers and tests tell the cases apart.
 */
public final class SignatureException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Why a version was refused. */
  public enum Reason {
    MALFORMED,
    UNSIGNED,
    UNTRUSTED_KEY,
    BAD_SIGNATURE,
    WRONG_CHANNEL,
    NOT_NEWER,
    EXPIRED,
    MISMATCH
  }

  private final Reason reason;

  public SignatureException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
