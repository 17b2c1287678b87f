package org.casfs.sync.pull;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.sync.SyncState;
import org.casfs.sync.trust.Head;
import org.casfs.sync.trust.HeadVerifier;
import org.casfs.sync.trust.SignatureException;
import org.casfs.sync.trust.SignedHead;

/**
 * What this machine has accepted on its channel, against which an offered head is judged: the
 * sequence it runs ({@code current}), and the newest sequence it has staged or offers on, with the
 * version(s) it accepted at that sequence. A head must be newer than what runs (no silent
 * downgrade) and not older than the newest accepted: a replayed older head, valid and signed,
 * once replaced a newer staged version (a machine running #2 staged #4 from one stick, then #3
 * from an older stick, and {@code status} showed #3 staged while it offered #4). At the newest
 * accepted sequence only that same version is taken (staging it again, switching to it). Values;
 * computed once per pull or peer round.
 *
 * @param running the sequence that runs, -1 for none
 * @param newest the newest sequence staged or offered (or running), -1 for none
 * @param newestVersions the manifests accepted at {@code newest}
 */
public record AcceptedVersions(long running, long newest, Set<ObjectId> newestVersions) {
  public AcceptedVersions {
    newestVersions = Set.copyOf(newestVersions);
  }

  /** What {@code refs} and {@code state} say this machine runs, staged and offers, on {@code verifier}'s channel. */
  public static AcceptedVersions of(ObjectDatabase db, SyncState state, VersionRefs refs, HeadVerifier verifier)
      throws IOException {
    ObjectId current = refs.currentOrNull();
    long running = current == null ? -1 : verifier.sequenceOnChannel(db.readManifest(current),
        state.acceptedHeadOrNull(current));
    long newest = running;
    Set<ObjectId> ids = new HashSet<>();
    if (current != null && running >= 0) {
      ids.add(current);
    }
    ObjectId staged = refs.stagedOrNull();
    if (staged != null && db.store().contains(staged)) {
      long s = verifier.sequenceOnChannel(db.readManifest(staged), state.acceptedHeadOrNull(staged));
      if (s > newest) {
        newest = s;
        ids.clear();
      }
      if (s == newest && s >= 0) {
        ids.add(staged);
      }
    }
    SignedHead offered = state.offeredHeadOrNull();
    long o = verifier.sequenceOnChannel(null, offered);
    if (o >= 0) {
      if (o > newest) {
        newest = o;
        ids.clear();
      }
      if (o == newest) {
        try {
          ids.add(offered.headUnverified().manifestId());
        } catch (SignatureException e) {
          // sequenceOnChannel counted it, so it decodes
        }
      }
    }
    return new AcceptedVersions(running, newest, ids);
  }

  /** The sequence this machine has: a neighbour offering no more has nothing new for it. */
  public long have() {
    return Math.max(running, newest);
  }

  /**
   * Verifies {@code signed} ({@link HeadVerifier#verify}: trusted, own channel, newer than what
   * runs, not expired) and refuses it as {@link SignatureException.Reason#NOT_NEWER} if it is
   * older than the newest version accepted, or another version at that sequence.
   */
  public Head verify(HeadVerifier verifier, SignedHead signed) throws SignatureException {
    Head head = verifier.verify(signed, running);
    if (head.sequence() < newest || head.sequence() == newest && !newestVersions.contains(head.manifestId())) {
      throw new SignatureException(SignatureException.Reason.NOT_NEWER, "the source offers sequence "
          + head.sequence() + " of channel " + head.channel() + " (" + head.manifestId().name().substring(0, 12)
          + "), " + (head.sequence() < newest ? "older than" : "another version than") + " sequence " + newest
          + " that this machine has already accepted (staged or offered); a replayed older head is refused");
    }
    return head;
  }
}
