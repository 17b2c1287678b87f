package org.casfs.sync;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.casfs.cas.Hashes;
import org.casfs.cas.Manifest;
import org.casfs.cas.ManifestCodec;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.cas.store.ObjectInfo;
import org.casfs.sync.trust.Head;
import org.casfs.sync.trust.Signature;
import org.casfs.sync.trust.SignatureDomain;
import org.casfs.sync.trust.SignatureException;
import org.casfs.sync.trust.SignedHead;
import org.casfs.sync.trust.SigningKey;

/**
 * On an origin: signs a version and makes it the offered head. The manifest gets a detached
 * signature ({@code .sig}); the head gets a sequence strictly above the last one this origin
 * published on the channel (at least the manifest's own sequence) and an expiry, after which
 * clients refuse it until the origin re-signs (TUF's freeze-attack defence). Not thread-safe:
 * one publisher per origin at a time.
 */
public final class Publisher {
  public static final Duration DEFAULT_EXPIRY = Duration.ofDays(7);

  private final ObjectDatabase objects;
  private final SyncState state;
  private final SigningKey key;
  private final LongSupplier clockMillis;
  private boolean trustThisClock;

  public Publisher(ObjectDatabase objects, SyncState state, SigningKey key, LongSupplier clockMillis) {
    this.objects = objects;
    this.state = state;
    this.key = key;
    this.clockMillis = clockMillis;
  }

  /**
   * Signs even if the offered head was signed at a later time than this clock says: the clock is
   * right, and the last head was signed by one ahead of time ({@code casfs sign --clock-is-right}).
   */
  public Publisher trustingThisClock() {
    this.trustThisClock = true;
    return this;
  }

  /**
   * Signs {@code manifestId} and offers it; returns the signed head.
   *
   * @throws ClockBehindException if this clock is earlier than when the offered head was signed
   */
  public SignedHead publish(ObjectId manifestId, Duration expiry) throws IOException {
    Manifest m = objects.readManifest(manifestId);
    ObjectInfo info = objects.store().statOrNull(manifestId);
    byte[] bytes = ManifestCodec.encode(m);
    long sequence = m.sequence();
    long now = clockMillis.getAsLong();
    checkClock(now, expiry);
    SignedHead previous = state.offeredHeadOrNull();
    if (previous != null) {
      Head p = previous.headUnverified();
      if (p.channel().equals(m.channel()) && p.sequence() >= sequence) {
        sequence = p.sequence() + 1;
      }
    }
    state.putManifestSignatures(manifestId, List.of(key.sign(SignatureDomain.MANIFEST, bytes)));
    Head head = new Head(m.channel(), sequence, new Hashes(manifestId, info.sha256()), now,
        now + expiry.toMillis(), key.publicKey().keyId());
    SignedHead signed = SignedHead.sign(head, key);
    state.setOfferedHead(signed);
    return signed;
  }

  /**
   * Refuses what {@link #publish} would refuse for this clock, before any other work: an origin
   * computes the deltas of a version before it offers it.
   *
   * @throws ClockBehindException if this clock is earlier than when the offered head was signed
   */
  public void checkClock(Duration expiry) throws IOException {
    checkClock(clockMillis.getAsLong(), expiry);
  }

  private void checkClock(long now, Duration expiry) throws IOException {
    SignedHead previous = state.offeredHeadOrNull();
    if (previous != null && !trustThisClock) {
      checkClock(previous.headUnverified(), now, now + expiry.toMillis());
    }
  }

  /** Clocks of two machines disagree by this much without either being wrong. */
  private static final long CLOCK_SLACK_MILLIS = Duration.ofMinutes(10).toMillis();

  /** Refuses to sign at {@code now} if the offered head {@code p} was signed later than that. */
  private static void checkClock(Head p, long now, long wouldExpire) throws ClockBehindException {
    if (now < p.issuedMillis() - CLOCK_SLACK_MILLIS) {
      throw new ClockBehindException(clockBehind(p, now) + ": a head signed now carries this clock's time and would"
          + " expire at " + Instant.ofEpochMilli(wouldExpire) + ", too soon or already past for every machine whose"
          + " clock is right; set this"
          + " machine's clock (date -s, or a time server) and sign again (if this clock is right and the"
          + " last head was signed by a clock ahead of time, sign with --clock-is-right)");
    }
  }

  private static String clockBehind(Head p, long now) {
    return "this machine's clock says " + Instant.ofEpochMilli(now) + ", before the offered head " + p.channel() + "#"
        + p.sequence() + " was signed (" + Instant.ofEpochMilli(p.issuedMillis()) + ")";
  }

  /**
   * Adds this publisher's signature to the offered head, which must name {@code manifestId}: a
   * second administrator co-signs, for clients that require several signatures ({@code casfs trust
   * --threshold}). The head's bytes, sequence and expiry stay as they are. Returns the head with
   * every signature; signing twice with one key changes nothing.
   *
   * @throws IOException if no head is offered or it names another version
   */
  public SignedHead cosign(ObjectId manifestId) throws IOException {
    SignedHead offered = state.offeredHeadOrNull();
    if (offered == null || !offered.headUnverified().manifestId().equals(manifestId)) {
      throw new IOException("the offered head names " + (offered == null ? "no version"
          : offered.headUnverified().manifestId()) + ", not " + manifestId + "; sign it first with 'casfs sign'");
    }
    for (Signature s : offered.signatures()) {
      if (s.keyId().equals(key.publicKey().keyId())) {
        return offered;
      }
    }
    List<Signature> all = new ArrayList<>(offered.signatures());
    all.add(key.sign(SignatureDomain.HEAD, offered.headBytes()));
    SignedHead signed = new SignedHead(offered.headBytes(), all);
    state.setOfferedHead(signed);
    return signed;
  }

  /** What {@link #renewIfDue} did, and one line for the log about it (null: nothing to say). */
  public record Renewal(SignedHead renewedOrNull, String messageOrNull) {}

  /**
   * Renews the offered head once half its validity has passed, so that an update goes on spreading
   * to laptops that were away for longer than the expiry (they refuse an expired head, and a frozen
   * or replaying source cannot re-sign): the same manifest signed anew for as long again, with the
   * next sequence; clients take it as a head and nothing more (they have the version: no objects,
   * no switch). A head co-signed by several keys is not renewed, since this key alone cannot renew
   * it, nor one signed by another key; the message then says to sign again.
   */
  public Renewal renewIfDue() throws IOException {
    SignedHead offered = state.offeredHeadOrNull();
    if (offered == null) {
      return new Renewal(null, null);
    }
    Head h;
    try {
      h = offered.headUnverified();
    } catch (SignatureException e) {
      return new Renewal(null, "the offered head does not decode (" + e.getMessage() + "); sign the version again");
    }
    long now = clockMillis.getAsLong();
    if (now < h.issuedMillis() - CLOCK_SLACK_MILLIS) {
      return new Renewal(null, clockBehind(h, now) + ": the head cannot be renewed until the clock is right; set"
          + " it (date -s, or a time server) before the head expires at " + Instant.ofEpochMilli(h.expiresMillis()));
    }
    if (!h.pastHalfValidity(now)) {
      return new Renewal(null, null);
    }
    String what = h.channel() + "#" + h.sequence() + " (" + h.manifest().id().name() + ")";
    String mine = key.publicKey().keyId();
    if (offered.signatures().size() != 1 || !offered.signatures().get(0).keyId().equals(mine)) {
      return new Renewal(null, "the offered head " + what + " expires at " + Instant.ofEpochMilli(h.expiresMillis())
          + " and is signed by " + (offered.signatures().size() == 1 ? "another key" : "several keys")
          + ", so this key cannot renew it; sign it again ('casfs sign', then co-sign) before then");
    }
    SignedHead renewed = publish(h.manifest().id(), Duration.ofMillis(h.expiresMillis() - h.issuedMillis()));
    return new Renewal(renewed, "renewed the offered head " + what + " before it expires: now #"
        + renewed.headUnverified().sequence() + ", expires " + Instant.ofEpochMilli(renewed.headUnverified().expiresMillis()));
  }
}
