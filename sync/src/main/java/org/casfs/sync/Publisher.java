package org.casfs.sync;

import java.io.IOException;
import java.time.Duration;
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

  public Publisher(ObjectDatabase objects, SyncState state, SigningKey key, LongSupplier clockMillis) {
    this.objects = objects;
    this.state = state;
    this.key = key;
    this.clockMillis = clockMillis;
  }

  /** Signs {@code manifestId} and offers it; returns the signed head. */
  public SignedHead publish(ObjectId manifestId, Duration expiry) throws IOException {
    Manifest m = objects.readManifest(manifestId);
    ObjectInfo info = objects.store().statOrNull(manifestId);
    byte[] bytes = ManifestCodec.encode(m);
    state.putManifestSignatures(manifestId, List.of(key.sign(SignatureDomain.MANIFEST, bytes)));
    long sequence = m.sequence();
    SignedHead previous = state.offeredHeadOrNull();
    if (previous != null) {
      Head p = previous.headUnverified();
      if (p.channel().equals(m.channel()) && p.sequence() >= sequence) {
        sequence = p.sequence() + 1;
      }
    }
    long now = clockMillis.getAsLong();
    Head head = new Head(m.channel(), sequence, new Hashes(manifestId, info.sha256()), now,
        now + expiry.toMillis(), key.publicKey().keyId());
    SignedHead signed = SignedHead.sign(head, key);
    state.setOfferedHead(signed);
    return signed;
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
}
