package org.casfs.sync.pull;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.casfs.cas.CorruptObjectException;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.sync.SyncState;
import org.casfs.sync.trust.Head;
import org.casfs.sync.trust.HeadVerifier;
import org.casfs.sync.trust.SignatureException;
import org.casfs.sync.trust.SignedHead;
import org.casfs.sync.trust.TrustStore;
import org.casfs.sync.wire.WireException;

/**
 * Brings a newer signed version into the repository and stages it (optionally switches to it).
 *
 * <ol>
 *   <li>Head: the first source whose head verifies ({@link HeadVerifier}: trusted key, own
 *       channel, newer than what runs, not expired) and is not older than what this machine has
 *       staged or offers ({@link AcceptedVersions}). A source whose signed head names the version
 *       that runs has nothing new: when no source has, the pull is done, up to date (its result
 *       is that version, nothing fetched), not refused as a rollback.
 *   <li>One fetch stream per streaming source (head + 1 round trip; {@link FetchStream}): manifest,
 *       trees, blobs, each checked against what names it before it is stored, and the exact bytes
 *       still needed checked against free disk before the first blob.
 *   <li>Whatever is still missing (static mirrors; a stream that broke) is fetched object by
 *       object ({@link ObjectByObject}), from each source in turn. A source that sends wrong,
 *       unrequested or too many bytes, or sends too slowly, is dropped for the pull.
 *   <li>Only a complete version is staged; {@code current} moves only with {@code switch}.
 * </ol>
 *
 * Objects stored by a pull that is killed stay (they are verified); a rerun walks the trees it
 * has and asks only for what is missing. Not thread-safe: one pull at a time per repository.
 */
public final class Puller {
  private final ObjectDatabase db;
  private final SyncState state;
  private final HeadVerifier verifier;
  private final VersionRefs refs;
  private final PullConfig config;
  private final Path diskPath;
  private final Map<Integer, ExtensionFrameDecoder> decoders = new HashMap<>();
  private PullListener listener = PullListener.QUIET;
  private long atLeast = -1;
  private PerObjectDeltas perObjectDeltas;
  private final PartialBlobs partials;
  private final CheckedWrites checked;

  public Puller(ObjectDatabase db, SyncState state, TrustStore trust, String channel, VersionRefs refs,
      PullConfig config, Path diskPath, LongSupplier clockMillis) {
    this.db = db;
    this.state = state;
    this.verifier = new HeadVerifier(trust, channel, clockMillis);
    this.refs = refs;
    this.config = config;
    this.diskPath = diskPath;
    this.partials = new PartialBlobs(diskPath.resolve("staging").resolve("partial"));
    this.checked = new CheckedWrites(db);
  }

  /** A puller for an opened repository: its trusted keys, channel, refs (through txn) and free disk. */
  public static Puller of(org.casfs.cas.store.Repository repo, org.casfs.txn.Versions versions, PullConfig config)
      throws IOException {
    return new Puller(repo.objectDatabase(), new SyncState(repo.kv()), TrustStore.open(repo.keysDir()),
        repo.config().channel(), new TxnVersionRefs(versions), config, repo.dir(), System::currentTimeMillis);
  }

  /** A source for a URL ({@code http://…}) or a mirror directory. */
  public static Source sourceFor(String urlOrDir, PullConfig config) {
    return sourceFor(urlOrDir, Path.of(""), config);
  }

  /**
   * As above, a relative folder read from {@code folderBase}: the directory of whoever typed it (a
   * daemon runs commands for callers elsewhere).
   */
  public static Source sourceFor(String urlOrDir, Path folderBase, PullConfig config) {
    if (urlOrDir.matches("[A-Za-z][A-Za-z0-9+.-]*://.*") && !urlOrDir.matches("https?://.*")) {
      throw new IllegalArgumentException(urlOrDir + ": casfs pulls over http:// or https://, or from a folder"
          + " written by 'casfs mirror'");
    }
    return urlOrDir.startsWith("http://") || urlOrDir.startsWith("https://") ? new HttpSource(urlOrDir, config)
        : new DirSource(folderBase.resolve(urlOrDir));
  }

  /**
   * Refuses heads older than {@code sequence}: the head the caller verified before the pull (a
   * peer reads a neighbour's head to decide, then the pull reads it again), so that a source
   * swapping in an older head between the two reads is refused, not taken.
   */
  public Puller atLeast(long sequence) {
    this.atLeast = sequence;
    return this;
  }

  public Puller listener(PullListener l) {
    this.listener = l;
    return this;
  }

  /**
   * Lets fetch streams carry frames of another type (deltas). A decoder that is also
   * {@link PerObjectDeltas} lets the object-by-object path use the deltas a static mirror publishes.
   */
  public Puller addDecoder(ExtensionFrameDecoder d) {
    decoders.put(d.type(), d);
    if (d instanceof PerObjectDeltas p) {
      perObjectDeltas = p;
    }
    return this;
  }

  /**
   * What a pull did. {@code upToDate}: no source offered anything newer than the version that runs,
   * and one offered that version ({@code manifest}); nothing was fetched, staged or switched.
   */
  public record Result(ObjectId manifest, long sequence, boolean switched, long objectsFetched, long bytesStored,
      long bytesReceived, long requests, boolean upToDate) {}

  /** Pulls the newest version the sources offer; see the class comment. */
  public Result pull(List<Source> sources, boolean switchAfter) throws IOException {
    try {
      return pullNewest(sources, switchAfter);
    } finally {
      decoders.values().forEach(ExtensionFrameDecoder::pullEnded);
    }
  }

  private Result pullNewest(List<Source> sources, boolean switchAfter) throws IOException {
    if (sources.isEmpty()) {
      throw new IllegalArgumentException("no source to pull from");
    }
    PullRun run = new PullRun(db, listener, "head");
    PullParts parts = parts();
    FetchStream stream = new FetchStream(parts);
    ObjectByObject each = new ObjectByObject(parts);
    AcceptedVersions accepted = AcceptedVersions.of(db, state, refs, verifier);
    SignedHead signed = null;
    Head head = null;
    List<String> refusals = new ArrayList<>();
    SignatureException firstRefusal = null;
    ObjectId current = refs.currentOrNull();
    boolean upToDate = false;
    for (Source s : sources) {
      SignedHead sh = null;
      try {
        sh = SignedHead.parse(s.head());
        Head h = accepted.verify(verifier, sh);
        if (h.sequence() < atLeast) {
          throw new SignatureException(SignatureException.Reason.NOT_NEWER, "the source offers sequence "
              + h.sequence() + " of channel " + h.channel() + ", older than the sequence " + atLeast
              + " it offered a moment before; refused");
        }
        head = h;
        signed = sh;
        break;
      } catch (SignatureException e) {
        if (e.reason() == SignatureException.Reason.NOT_NEWER && sh != null
            && sh.headUnverified().manifestId().equals(current)) {
          upToDate = true; // a signed head (verify checks that first) of the version that runs
          continue;
        }
        refusals.add(s.name() + ": " + e.getMessage());
        firstRefusal = firstRefusal == null ? e : firstRefusal;
      } catch (IOException e) {
        refusals.add(s.name() + ": " + e.getMessage());
      }
    }
    if (head == null && upToDate) {
      return new Result(current, accepted.running(), false, 0, 0, received(sources), requests(sources), true);
    }
    if (head == null) {
      throw new PullException(firstRefusal != null ? PullException.Kind.REFUSED : PullException.Kind.SOURCES_FAILED,
          "no acceptable version: " + String.join("; ", refusals), firstRefusal);
    }
    ObjectId want = head.manifestId();
    state.setPullInFlight(want);
    run.phase("fetch");
    Set<Source> dropped = new LinkedHashSet<>();
    Set<String> failures = new LinkedHashSet<>(); // a source failing the same way on each attempt: once
    boolean transientFailure = false;
    IOException firstFailure = null;
    Inventory inv = parts.inventory(want);
    keepTheLastSource(sources, dropped);
    // A round that stored something does not count against the attempts: over a link that drops
    // every minute, each round moves the pull on, and giving up after three would only make the
    // user rerun it. Rounds that bring nothing count (a source down, refusing, or lacking).
    for (int fruitless = 0; fruitless < config.attempts() && !inv.complete(); ) {
      long progressBefore = progress(run);
      for (Source s : sources) {
        if (inv.complete() || dropped.contains(s)) {
          continue;
        }
        try {
          Inventory afterTrees = stream.readOrNullIfBroken(s, head, inv, run);
          inv = afterTrees != null ? afterTrees.recheck(db) : parts.inventory(want);
          if (inv.complete()) {
            continue; // the usual end: every blob the trees named is stored
          }
          each.fetch(s, head, run);
        } catch (PullException e) {
          throw e;
        } catch (SlowSourceException e) {
          if (sources.stream().filter(o -> o != s && !dropped.contains(o)).findAny().isEmpty()) {
            // Judged slow on a transfer that began before it was the last source: kept from now on.
            s.onlySourceLeft();
            failures.add(s.name() + ": " + e.getMessage());
            listener.note(s.name() + " is slow, but it is the only source left: going on with it while it sends "
                + config.lastSourceMinBytesPerSecond() + " bytes/s or more");
            transientFailure = true;
          } else {
            drop(s, e, dropped, failures);
            keepTheLastSource(sources, dropped);
          }
          firstFailure = firstFailure == null ? e : firstFailure;
        } catch (CorruptObjectException | WireException | SignatureException e) {
          drop(s, e, dropped, failures);
          keepTheLastSource(sources, dropped);
          firstFailure = firstFailure == null ? e : firstFailure;
        } catch (IOException e) {
          String what = String.valueOf(e.getMessage());
          failures.add(what.startsWith(s.name()) ? what : s.name() + ": " + what);
          listener.note(s.name() + " failed, will retry: " + what);
          // A source that lacks an object (a mirror short of a file) lacks it the next time too.
          transientFailure |= !(e instanceof FileNotFoundException);
          firstFailure = firstFailure == null ? e : firstFailure;
        }
        inv = parts.inventory(want);
      }
      fruitless = progress(run) > progressBefore ? 0 : fruitless + 1;
    }
    if (!inv.complete()) {
      throw new PullException(PullException.Kind.SOURCES_FAILED, "version " + want + " is incomplete ("
          + (inv.manifestPresent ? inv.missingTrees.size() + " trees, " + inv.missingBlobs.size() + " blobs missing"
              : "its manifest is missing") + ") after trying every source: "
          + String.join("; ", failures) + "; nothing was staged and what verified is kept: " + (transientFailure
              ? "run the pull again to resume"
              : "pull from another source (a server, a peer, a good copy of the mirror) to finish"), firstFailure);
    }
    db.store().flush();
    state.putAcceptedHead(want, signed);
    if (!refs.stage(want)) {
      throw new IOException("the refs refused to stage " + want + " although every object is present; run 'casfs fsck'");
    }
    state.setPullInFlight(null); // staged: whole, and kept by its ref
    // Switched before it is offered on: a peer takes no pull of the version it offers, so a power
    // cut between the two must not leave a machine offering what it does not run (it kept running
    // the old version until the next update came). Cut the other way, it runs what it does not
    // offer yet, and its peer, serve and mirror offer what runs (SyncState.offerWhatRunsOrNull).
    boolean switched = switchAfter && refs.switchTo(want, "pull " + sources.get(0).name());
    offerOn(signed, head);
    partials.clear();
    run.phase("done");
    run.report();
    return new Result(want, head.sequence(), switched, run.objectsDone(), run.bytesDone(), received(sources),
        requests(sources), false);
  }

  private static long received(List<Source> sources) {
    return sources.stream().mapToLong(Source::bytesReceived).sum();
  }

  private static long requests(List<Source> sources) {
    return sources.stream().mapToLong(Source::requests).sum();
  }

  /**
   * What this machine pulled it offers on, to its neighbours ({@code casfs peer}, {@code casfs
   * serve}) and to a stick ({@code casfs mirror}), unless it offers a newer version of its
   * channel already. A laptop updated from a stick or a server once offered nothing, so the
   * update stopped there: its peer answered 404, its mirror said "sign a version first".
   */
  private void offerOn(SignedHead signed, Head head) throws IOException {
    SignedHead offered = state.offeredHeadOrNull();
    if (offered == null || verifier.sequenceOnChannel(null, offered) < head.sequence()) {
      state.setOfferedHead(signed);
    }
  }

  /**
   * What a round of the pull stored: objects, plus the prefixes of large blobs in 64 KiB steps (so
   * that a source cutting every transfer after a few bytes does not count as moving the pull on).
   */
  private long progress(PullRun run) throws IOException {
    return run.objectsDone() + partials.heldBytes() / (64 << 10);
  }

  private void drop(Source s, IOException why, Set<Source> dropped, Set<String> failures) {
    dropped.add(s);
    failures.add(s.name() + " dropped: " + why.getMessage());
    listener.note(s.name() + " dropped: " + why.getMessage());
  }

  /**
   * A slow source is dropped so that a faster one gets the work; the last one left is held to a
   * lower floor (a poor link delivers slowly, not never).
   */
  private static void keepTheLastSource(List<Source> sources, Set<Source> dropped) {
    List<Source> left = sources.stream().filter(s -> !dropped.contains(s)).toList();
    if (left.size() == 1) {
      left.get(0).onlySourceLeft();
    }
  }

  /** What a repair did. */
  public record RepairResult(long objectsFetched, long bytesFetched, List<String> notes) {}

  /**
   * {@code fsck --repair}: drops the {@code damaged} objects (their bytes do not match their
   * names) and fetches every object that the {@code versions} reach and the store lacks, from the
   * sources in turn, each verified against the entry that names it exactly as in a pull. A
   * missing manifest is checked against the signed head it was accepted under.
   *
   * @throws PullException if something is still missing afterwards
   */
  public RepairResult repair(List<Source> sources, java.util.Collection<ObjectId> damaged,
      java.util.Collection<ObjectId> versions) throws IOException {
    try {
      return repairVersions(sources, damaged, versions);
    } finally {
      decoders.values().forEach(ExtensionFrameDecoder::pullEnded);
    }
  }

  private RepairResult repairVersions(List<Source> sources, java.util.Collection<ObjectId> damaged,
      java.util.Collection<ObjectId> versions) throws IOException {
    for (ObjectId id : damaged) {
      db.store().remove(id);
      db.invalidate(id);
    }
    keepTheLastSource(sources, Set.of());
    PullRun run = new PullRun(db, listener, "repair");
    PullParts parts = parts();
    ObjectByObject each = new ObjectByObject(parts);
    Set<String> notes = new LinkedHashSet<>(); // a source failing alike on each attempt: once
    for (ObjectId v : versions) {
      SignedHead accepted = state.acceptedHeadOrNull(v);
      Head head = accepted == null ? null : accepted.headUnverified();
      for (int attempt = 0; attempt < config.attempts() && !parts.inventory(v).complete(); attempt++) {
        for (Source s : sources) {
          if (parts.inventory(v).complete()) {
            break;
          }
          try {
            each.fetch(s, v, head, run, false);
          } catch (IOException e) {
            notes.add(s.name() + ": " + e.getMessage());
            listener.note(s.name() + ": " + e.getMessage());
          }
        }
      }
      Inventory inv = parts.inventory(v);
      if (!inv.complete()) {
        throw new PullException(PullException.Kind.SOURCES_FAILED, "could not repair version " + v + ": "
            + (inv.manifestPresent ? inv.missingTrees.size() + " trees, " + inv.missingBlobs.size() + " blobs"
                : "its manifest") + " still missing after trying every source: " + String.join("; ", notes)
            + "; repair from another source (a server, a peer, a good copy of the mirror)", null);
      }
    }
    db.store().flush();
    return new RepairResult(run.objectsDone(), run.bytesDone(), new ArrayList<>(notes));
  }

  /** The parts a fetch of this pull or repair works with, told to {@code listener}. */
  private PullParts parts() {
    return new PullParts(db, checked, partials, decoders, perObjectDeltas, refs, config, diskPath, listener,
        new TreeBytes());
  }
}
