package org.casfs.sync.trust;

import java.time.Instant;
import java.util.function.LongSupplier;
import org.casfs.cas.Manifest;
import org.casfs.cas.ObjectId;

/**
 * Decides whether to accept a version offered by a source, following The Update Framework's
 * threats: the head must be signed by a trusted key (arbitrary installation, tampering), name this
 * machine's channel (mix-and-match across channels), carry a sequence higher than what runs
 * (rollback; a forged higher sequence breaks the signature, so fast-forward fails too) and not be
 * expired (freeze). The manifest that later arrives must be the one the head names by SHA-1 and
 * SHA-256, on the same channel ({@link #checkManifest}). Thread-safe; time comes from a clock so
 * tests can move it.
 */
public final class HeadVerifier {
  private final TrustStore trust;
  private final String channel;
  private final LongSupplier clockMillis;

  public HeadVerifier(TrustStore trust, String channel, LongSupplier clockMillis) {
    this.trust = trust;
    this.channel = channel;
    this.clockMillis = clockMillis;
  }

  /**
   * Verifies a signed head.
   *
   * @param runningSequence the sequence of the version this machine runs (or -1 if none)
   * @return the head, to be trusted from now on
   */
  public Head verify(SignedHead signed, long runningSequence) throws SignatureException {
    Head head = signed.headUnverified();
    trust.verify("head of channel " + head.channel() + " (sequence " + head.sequence() + ")", SignatureDomain.HEAD,
        signed.headBytes(), signed.signatures());
    if (!head.channel().equals(channel)) {
      throw new SignatureException(SignatureException.Reason.WRONG_CHANNEL, "the source offers channel '"
          + head.channel() + "' but this machine follows '" + channel + "'; refused: pull from a source of channel '"
          + channel + "', or follow '" + head.channel() + "' with 'casfs channel " + head.channel() + "'");
    }
    if (head.sequence() <= runningSequence) {
      throw new SignatureException(SignatureException.Reason.NOT_NEWER, "the source offers sequence "
          + head.sequence() + " of channel " + channel + ", not newer than the running " + runningSequence
          + " (a rollback is refused; roll back locally with 'casfs rollback')");
    }
    long now = clockMillis.getAsLong();
    if (head.expiresMillis() <= now) {
      // Machines without the internet often have no time server: say what this clock says, so a
      // wrong clock is told apart from a source that is frozen or replays old data.
      throw new SignatureException(SignatureException.Reason.EXPIRED, "the source's head (sequence "
          + head.sequence() + ", signed " + Instant.ofEpochMilli(head.issuedMillis()) + ") expired at "
          + Instant.ofEpochMilli(head.expiresMillis()) + " and this machine's clock says " + Instant.ofEpochMilli(now)
          + ": if the clock is right, the source is frozen or replaying old data (ask the origin to re-sign);"
          + " if it is wrong, set it (date -s)");
    }
    return head;
  }

  /**
   * The sequence this machine has on this verifier's channel: the highest of the running version
   * and the heads given that are on the channel; -1 if none is. A version or head of another
   * channel (the machine followed that one before 'casfs channel') counts for nothing: sequences
   * are numbered per channel, and the first version of the new one is as new as any.
   */
  public long sequenceOnChannel(Manifest runningOrNull, SignedHead... headsOrNull) {
    long have = runningOrNull != null && runningOrNull.channel().equals(channel) ? runningOrNull.sequence() : -1;
    for (SignedHead h : headsOrNull) {
      if (h == null) {
        continue;
      }
      try {
        Head head = h.headUnverified();
        if (head.channel().equals(channel)) {
          have = Math.max(have, head.sequence());
        }
      } catch (SignatureException e) {
        // a stored head that no longer decodes counts for nothing
      }
    }
    return have;
  }

  /** The manifest named by an accepted head must be on the head's channel. */
  public static void checkManifest(Head head, ObjectId id, Manifest m) throws SignatureException {
    if (!m.channel().equals(head.channel())) {
      throw new SignatureException(SignatureException.Reason.MISMATCH, "manifest " + id + " is for channel '"
          + m.channel() + "' but its head is for '" + head.channel() + "'; refusing it");
    }
  }
}
