package org.casfs.sync;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.KeyValueStore;
import org.casfs.sync.trust.Head;
import org.casfs.sync.trust.Signature;
import org.casfs.sync.trust.SignatureException;
import org.casfs.sync.trust.Signatures;
import org.casfs.sync.trust.SignedHead;

/**
 * What sync keeps in the repository's key-value store (space {@code sync}): the signed head this
 * machine offers, the detached signatures of manifests, the signed head under which each
 * pulled version was accepted, and the version a pull is bringing in (so gc keeps its objects).
 * Every write is one synced batch. Thread-safe (the store is).
 */
public final class SyncState {
  static final String SPACE = "sync";
  /** The key spaces this module keeps in the repository's database. */
  public static final List<String> KEY_SPACES = List.of(SPACE);
  private static final byte[] OFFERED = key("offered-head");
  private static final byte[] IN_FLIGHT = key("pull-in-flight");
  private static final byte[] SCRUBBED = key("scrubbed");

  private final KeyValueStore kv;

  public SyncState(KeyValueStore kv) {
    this.kv = kv;
  }

  private static byte[] key(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] key(String prefix, ObjectId id) {
    return key(prefix + id.name());
  }

  /** The signed head this machine serves at {@code /v1/head}, or null if it offers none. */
  public SignedHead offeredHeadOrNull() throws IOException {
    byte[] b = kv.getOrNull(SPACE, OFFERED);
    return b == null ? null : SignedHead.parse(b);
  }

  public void setOfferedHead(SignedHead head) throws IOException {
    kv.batch().put(SPACE, OFFERED, head.encode()).commit(true);
  }

  /**
   * Offers the head that the version this machine runs was accepted under, when it is newer on
   * {@code channel} than the head offered: a pull cut off by a power failure after its switch and
   * before it offered the version on leaves a machine that would pass on only the older one
   * (neighbours, a stick). Returns the line to log when it did, else null (nothing pulled runs, or
   * what runs is offered already or is older).
   */
  public String offerWhatRunsOrNull(ObjectId runningOrNull, String channel) throws IOException {
    SignedHead running = runningOrNull == null ? null : acceptedHeadOrNull(runningOrNull);
    if (running == null || sequenceOn(channel, running) <= sequenceOn(channel, offeredHeadOrNull())) {
      return null;
    }
    setOfferedHead(running);
    return "offering " + runningOrNull.name() + ", the version this machine runs: the pull that brought it stopped"
        + " before it offered it on";
  }

  /** A head's sequence on {@code channel}; -1 for none, one of another channel, or one that does not decode. */
  private static long sequenceOn(String channel, SignedHead h) {
    if (h == null) {
      return -1;
    }
    try {
      Head head = h.headUnverified();
      return head.channel().equals(channel) ? head.sequence() : -1;
    } catch (SignatureException e) {
      return -1;
    }
  }

  /** A manifest's detached signatures, or null if none are kept. */
  public List<Signature> manifestSignaturesOrNull(ObjectId manifest) throws IOException {
    byte[] b = kv.getOrNull(SPACE, key("sig/", manifest));
    return b == null ? null : Signatures.decode("signatures of manifest " + manifest, b);
  }

  public byte[] manifestSignatureFileOrNull(ObjectId manifest) throws IOException {
    return kv.getOrNull(SPACE, key("sig/", manifest));
  }

  public void putManifestSignatures(ObjectId manifest, List<Signature> sigs) throws IOException {
    kv.batch().put(SPACE, key("sig/", manifest), Signatures.encodeBytes(sigs)).commit(true);
  }

  /** The signed head a pulled version was accepted under, or null. */
  public SignedHead acceptedHeadOrNull(ObjectId manifest) throws IOException {
    byte[] b = kv.getOrNull(SPACE, key("accepted/", manifest));
    try {
      return b == null ? null : SignedHead.parse(b);
    } catch (SignatureException e) {
      return null;
    }
  }

  public void putAcceptedHead(ObjectId manifest, SignedHead head) throws IOException {
    kv.batch().put(SPACE, key("accepted/", manifest), head.encode()).commit(true);
  }

  /** The version a pull is bringing in right now (or left half-done by a crash), or null. */
  public ObjectId pullInFlightOrNull() throws IOException {
    byte[] b = kv.getOrNull(SPACE, IN_FLIGHT);
    return b == null ? null : ObjectId.fromRaw(b);
  }

  public void setPullInFlight(ObjectId manifest) throws IOException {
    KeyValueStore.Batch batch = kv.batch();
    if (manifest == null) {
      batch.delete(SPACE, IN_FLIGHT);
    } else {
      batch.put(SPACE, IN_FLIGHT, manifest.toRaw());
    }
    batch.commit(true);
  }

  /** When a peer's scrub last read the whole store (ms since the epoch), or 0 if never. */
  public long lastScrubMillis() throws IOException {
    byte[] b = kv.getOrNull(SPACE, SCRUBBED);
    return b == null || b.length != Long.BYTES ? 0 : java.nio.ByteBuffer.wrap(b).getLong();
  }

  public void setLastScrubMillis(long millis) throws IOException {
    kv.batch().put(SPACE, SCRUBBED, java.nio.ByteBuffer.allocate(Long.BYTES).putLong(millis).array()).commit(true);
  }
}
