package org.casfs.sync;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.function.LongSupplier;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.sync.trust.Head;
import org.casfs.sync.trust.SignatureException;
import org.casfs.sync.trust.SignedHead;
import org.casfs.sync.trust.SigningKey;

/**
 * On an origin that holds its signing key: signs the offered version again before its head
 * expires, so that an update goes on spreading to laptops that were away for longer than the
 * expiry (clients refuse an expired head, the defence against a frozen or replaying source, which
 * cannot re-sign). Once half of the head's validity has passed, the same manifest is signed anew
 * for as long again, with the next sequence; clients take it as a head and nothing more (they
 * already have the version: no objects, no switch). A head co-signed by several keys is not
 * renewed, since this key alone cannot renew it, nor one signed by another key. Not thread-safe:
 * run it where the origin's other signing is kept out.
 */
public final class HeadRenewal {
  private final ObjectDatabase objects;
  private final SyncState state;
  private final SigningKey key;
  private final LongSupplier clockMillis;

  public HeadRenewal(ObjectDatabase objects, SyncState state, SigningKey key, LongSupplier clockMillis) {
    this.objects = objects;
    this.state = state;
    this.key = key;
    this.clockMillis = clockMillis;
  }

  /** What {@link #renewIfDue} did, as one line for the log (null: nothing to say). */
  public record Outcome(SignedHead renewedOrNull, String messageOrNull) {}

  /** Renews the offered head if half its validity has passed; see the class comment. */
  public Outcome renewIfDue() throws IOException {
    SignedHead offered = state.offeredHeadOrNull();
    if (offered == null) {
      return new Outcome(null, null);
    }
    Head h;
    try {
      h = offered.headUnverified();
    } catch (SignatureException e) {
      return new Outcome(null, "the offered head does not decode (" + e.getMessage() + "); sign the version again");
    }
    long now = clockMillis.getAsLong();
    long validity = h.expiresMillis() - h.issuedMillis();
    if (now < h.issuedMillis() + validity / 2) {
      return new Outcome(null, null);
    }
    String what = h.channel() + "#" + h.sequence() + " (" + h.manifest().id().name() + ")";
    String mine = key.publicKey().keyId();
    if (offered.signatures().size() != 1 || !offered.signatures().get(0).keyId().equals(mine)) {
      return new Outcome(null, "the offered head " + what + " expires at " + Instant.ofEpochMilli(h.expiresMillis())
          + " and is signed by " + (offered.signatures().size() == 1 ? "another key" : "several keys")
          + ", so this key cannot renew it; sign it again ('casfs sign', then co-sign) before then");
    }
    SignedHead renewed = new Publisher(objects, state, key, clockMillis).publish(h.manifest().id(),
        Duration.ofMillis(validity));
    return new Outcome(renewed, "renewed the offered head " + what + " before it expires: now #"
        + renewed.headUnverified().sequence() + ", expires " + Instant.ofEpochMilli(renewed.headUnverified().expiresMillis()));
  }
}
