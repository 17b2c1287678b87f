package org.casfs.sync.pull;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.casfs.cas.CorruptObjectException;
import org.casfs.cas.Hashes;
import org.casfs.cas.Manifest;
import org.casfs.cas.ObjectException;
import org.casfs.cas.ObjectId;
import org.casfs.cas.Sizes;
import org.casfs.cas.ObjectType;
import org.casfs.cas.Tree;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.sync.SyncState;
import org.casfs.sync.trust.Head;
import org.casfs.sync.trust.HeadVerifier;
import org.casfs.sync.trust.SignatureException;
import org.casfs.sync.trust.SignedHead;
import org.casfs.sync.trust.TrustStore;
import org.casfs.sync.wire.FetchRequest;
import org.casfs.sync.wire.FrameHeader;
import org.casfs.sync.wire.FrameReader;
import org.casfs.sync.wire.WireException;

/**
 * Brings a newer signed version into the repository and stages it (optionally switches to it).
 *
 * <ol>
 *   <li>Head: the first source whose head verifies ({@link HeadVerifier}: trusted key, own
 *       channel, newer than what runs, not expired).
 *   <li>One fetch stream per streaming source (head + 1 round trip): manifest, trees, blobs. Each
 *       object is checked against what names it — the manifest against the head, a tree against
 *       its parent's entry, a blob against its entry's SHA-1, SHA-256 and size — before it is
 *       stored; a tree that does not decode strictly (names {@code ..}, {@code /}, NUL, …) is
 *       refused before it is written. Before the first blob, the exact bytes still needed are
 *       computed from the trees and checked against free disk.
 *   <li>Whatever is still missing (static mirrors; a stream that broke) is fetched object by
 *       object with parallel GETs, from each source in turn: per-object fallback (also for a
 *       delta frame its decoder finds unusable: that blob is fetched whole). A source that
 *       sends wrong, unrequested or too many bytes, or sends too slowly, is dropped for the pull.
 *   <li>Only a complete version is staged; {@code current} moves only with {@code switch}.
 * </ol>
 *
 * Objects stored by a pull that is killed stay (they are verified); a rerun walks the trees it
 * has and asks only for what is missing. Not thread-safe: one pull at a time per repository.
 */
public final class Puller {
  static final int MAX_MANIFEST_BYTES = 1 << 20;
  static final int MAX_TREE_BYTES = 256 << 20;

  private final ObjectDatabase db;
  private final SyncState state;
  private final HeadVerifier verifier;
  private final VersionRefs refs;
  private final PullConfig config;
  private final Path diskPath;
  private final Map<Integer, ExtensionFrameDecoder> decoders = new HashMap<>();
  private PullListener listener = PullListener.QUIET;
  private PerObjectDeltas perObjectDeltas;
  private final PartialBlobs partials;
  private final CheckedWrites checked;

  /**
   * What a pull stored is made durable (indexed, synced) at least this often and every
   * {@link #DURABLE_EVERY_BYTES}, not only at its end: the store batches its index entries until a
   * flush, so a pull killed or cut off by a power failure before its end would otherwise start
   * again from nothing, however long the link took to bring what it had.
   */
  static final long DURABLE_EVERY_NANOS = 2_000_000_000L;
  static final long DURABLE_EVERY_BYTES = 32L << 20;

  /** Counters of one pull. */
  private final class Run {
    final long start = System.nanoTime();
    long bytesDone;
    long objectsDone;
    long bytesTotal;
    long objectsTotal;
    long lastReport;
    String phase = "head";

    long lastDurableNanos = start;
    long lastDurableBytes;

    /** Counts a stored object; makes what the pull stored durable every so often (see DURABLE_EVERY_NANOS). */
    void stored(long bytes) throws IOException {
      boolean makeDurable;
      synchronized (this) {
        bytesDone += bytes;
        objectsDone++;
        long now = System.nanoTime();
        if (now - lastReport > 200_000_000L) {
          lastReport = now;
          report();
        }
        makeDurable = now - lastDurableNanos >= DURABLE_EVERY_NANOS
            || bytesDone - lastDurableBytes >= DURABLE_EVERY_BYTES;
        if (makeDurable) {
          lastDurableNanos = now;
          lastDurableBytes = bytesDone;
        }
      }
      if (makeDurable) {
        db.store().flush();
      }
    }

    synchronized void report() {
      listener.progress(new PullProgress(phase, bytesDone, bytesTotal, objectsDone, objectsTotal, System.nanoTime() - start));
    }
  }

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
    if (urlOrDir.matches("[A-Za-z][A-Za-z0-9+.-]*://.*") && !urlOrDir.matches("https?://.*")) {
      throw new IllegalArgumentException(urlOrDir + ": casfs pulls over http:// or https://, or from a folder"
          + " written by 'casfs mirror'");
    }
    return urlOrDir.startsWith("http://") || urlOrDir.startsWith("https://") ? new HttpSource(urlOrDir, config)
        : new DirSource(Path.of(urlOrDir));
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

  /** What a pull did. */
  public record Result(ObjectId manifest, long sequence, boolean switched, long objectsFetched, long bytesStored,
      long bytesReceived, long requests) {}

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
    Run run = new Run();
    long running = runningSequence();
    SignedHead signed = null;
    Head head = null;
    List<String> refusals = new ArrayList<>();
    SignatureException firstRefusal = null;
    for (Source s : sources) {
      try {
        SignedHead sh = SignedHead.parse(s.head());
        head = verifier.verify(sh, running);
        signed = sh;
        break;
      } catch (SignatureException e) {
        refusals.add(s.name() + ": " + e.getMessage());
        firstRefusal = firstRefusal == null ? e : firstRefusal;
      } catch (IOException e) {
        refusals.add(s.name() + ": " + e.getMessage());
      }
    }
    if (head == null) {
      throw new PullException(firstRefusal != null ? PullException.Kind.REFUSED : PullException.Kind.SOURCES_FAILED,
          "no acceptable version: " + String.join("; ", refusals), firstRefusal);
    }
    ObjectId want = head.manifestId();
    state.setPullInFlight(want);
    run.phase = "fetch";
    Set<Source> dropped = new LinkedHashSet<>();
    Set<String> failures = new LinkedHashSet<>(); // a source failing the same way on each attempt: once
    boolean transientFailure = false;
    IOException firstFailure = null;
    Inventory inv = inventory(head);
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
          Inventory afterTrees = streamOrNullIfBroken(s, head, inv, run);
          inv = afterTrees != null ? afterTrees.recheck(db) : inventory(head);
          if (inv.complete()) {
            continue; // the usual end: every blob the trees named is stored
          }
          fetchEach(s, head, run);
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
        inv = inventory(head);
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
    offerOn(signed, head);
    state.setPullInFlight(null);
    partials.clear();
    boolean switched = switchAfter && refs.switchTo(want, "pull " + sources.get(0).name());
    run.phase = "done";
    run.report();
    long received = 0;
    long requests = 0;
    for (Source s : sources) {
      received += s.bytesReceived();
      requests += s.requests();
    }
    return new Result(want, head.sequence(), switched, run.objectsDone, run.bytesDone, received, requests);
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

  /** The sequence of the version this machine runs, on its channel (-1: none, or another channel's). */
  private long runningSequence() throws IOException {
    ObjectId cur = refs.currentOrNull();
    if (cur == null) {
      return -1;
    }
    return verifier.sequenceOnChannel(db.readManifest(cur), state.acceptedHeadOrNull(cur));
  }

  private Inventory inventory(Head head) throws IOException {
    return inventory(head.manifestId());
  }

  private Inventory inventory(ObjectId manifestId) throws IOException {
    if (!db.store().contains(manifestId)) {
      return Inventory.of(db, false, null);
    }
    Manifest m = db.readManifest(manifestId);
    return Inventory.of(db, true, m.root());
  }

  /**
   * What a round of the pull stored: objects, plus the prefixes of large blobs in 64 KiB steps (so
   * that a source cutting every transfer after a few bytes does not count as moving the pull on).
   */
  private long progress(Run run) throws IOException {
    return objectsDone(run) + partials.heldBytes() / (64 << 10);
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
    Run run = new Run();
    run.phase = "repair";
    Set<String> notes = new LinkedHashSet<>(); // a source failing alike on each attempt: once
    for (ObjectId v : versions) {
      SignedHead accepted = state.acceptedHeadOrNull(v);
      Head head = accepted == null ? null : accepted.headUnverified();
      for (int attempt = 0; attempt < config.attempts() && !inventory(v).complete(); attempt++) {
        for (Source s : sources) {
          if (inventory(v).complete()) {
            break;
          }
          try {
            fetchEach(s, v, head, run, false);
          } catch (IOException e) {
            notes.add(s.name() + ": " + e.getMessage());
            listener.note(s.name() + ": " + e.getMessage());
          }
        }
      }
      Inventory inv = inventory(v);
      if (!inv.complete()) {
        throw new PullException(PullException.Kind.SOURCES_FAILED, "could not repair version " + v + ": "
            + (inv.manifestPresent ? inv.missingTrees.size() + " trees, " + inv.missingBlobs.size() + " blobs"
                : "its manifest") + " still missing after trying every source: " + String.join("; ", notes)
            + "; repair from another source (a server, a peer, a good copy of the mirror)", null);
      }
    }
    db.store().flush();
    return new RepairResult(run.objectsDone, run.bytesDone, new ArrayList<>(notes));
  }

  private void checkDisk(Inventory inv, Run run) throws IOException {
    long free = Files.getFileStore(diskPath).getUsableSpace();
    if (inv.missingBlobBytes + config.diskReserveBytes() > free) {
      throw new PullException(PullException.Kind.NO_SPACE, "the version needs " + Sizes.bytes(inv.missingBlobBytes)
          + " more but " + diskPath + " has only " + Sizes.bytes(free) + " free (keeping "
          + Sizes.bytes(config.diskReserveBytes()) + " in reserve); free some space (casfs gc) and pull again; "
          + (run.objectsDone == 0 ? "nothing was downloaded"
              : "the " + run.objectsDone + " objects this pull stored are kept, so it goes on where it stopped"), null);
    }
  }

  // ---- one fetch stream ----

  /**
   * Threads that verify and store the stream's blobs: one per core. Since loose blobs are made
   * durable together at the end ({@code flush}), not one by one, storing is CPU work, and more
   * threads than cores only take turns on them (docs/BENCHMARKS.md).
   */
  private int writerThreads() {
    return Math.max(1, Math.min(config.parallelGets(), Runtime.getRuntime().availableProcessors()));
  }

  /**
   * {@link #streamFrom}, but a stream that began and broke before it delivered a single object (its
   * first blob longer than a flaky link stays up) is not the end of the round: the rest comes object
   * by object from the same source, short requests that such a link lets through. Null then, as
   * for a source that cannot stream. A stream that broke after delivering something ends the round
   * (the next one asks for what is still missing, in one stream again); a source that cannot be
   * reached, answers wrongly, too slowly or lacks the version fails as before.
   */
  private Inventory streamOrNullIfBroken(Source s, Head head, Inventory inv, Run run) throws IOException {
    long objectsBefore = objectsDone(run);
    long bytesBefore = s.bytesReceived();
    try {
      return streamFrom(s, head, inv, run);
    } catch (ObjectException | WireException | SlowSourceException | SignatureException | PullException
        | FileNotFoundException e) {
      throw e;
    } catch (IOException e) {
      if (objectsDone(run) > objectsBefore || s.bytesReceived() == bytesBefore) {
        throw e; // it delivered something (the next round streams again), or never began
      }
      listener.note(s.name() + ": the fetch stream broke before its first object (" + e.getMessage()
          + "); fetching object by object");
      return null;
    }
  }

  private static long objectsDone(Run run) {
    synchronized (run) {
      return run.objectsDone;
    }
  }

  /**
   * Reads one fetch stream from {@code s}; returns the inventory taken once every tree was in (the
   * blobs then needed), or null if the stream did not bring every tree.
   */
  private Inventory streamFrom(Source s, Head head, Inventory inv, Run run) throws IOException {
    List<ObjectId> versions = new ArrayList<>(refs.completeVersions());
    // Blobs whose prefix is held are left out of the stream ('have'): fetched after it, by range.
    List<ObjectId> have = new ArrayList<>(inv.present);
    for (ObjectId id : partials.ids()) {
      Inventory.Need n = inv.missingBlobs.get(id);
      if (n != null && partials.heldBytes(id, n.size()) > 0) {
        have.add(id);
      }
    }
    FetchRequest req = new FetchRequest(head.manifestId(), versions, have, List.of(),
        List.copyOf(new java.util.TreeSet<>(decoders.keySet())));
    InputStream in = s.openFetchOrNull(req);
    if (in == null) {
      return null;
    }
    try (in; BlobWriters writers = new BlobWriters(writerThreads(), 4L << 20)) {
      FrameReader r = new FrameReader(in);
      Map<ObjectId, Hashes> expectedTrees = new HashMap<>(inv.missingTrees);
      Inventory blobs = null;
      FrameHeader h;
      while ((h = r.next()) != null) {
        if (h.type() == FrameHeader.MANIFEST) {
          if (!h.id().equals(head.manifestId()) || h.size() > MAX_MANIFEST_BYTES) {
            throw new WireException(s.name() + " sent manifest " + h.id() + " (" + h.size()
                + " bytes) where the signed head names " + head.manifestId());
          }
          byte[] bytes = readExactly(r, h);
          if (db.store().contains(h.id())) {
            continue;
          }
          Manifest m = checked.manifest(head, bytes);
          run.stored(bytes.length);
          if (!db.store().contains(m.rootId())) {
            expectedTrees.put(m.rootId(), m.root());
          }
        } else if (h.type() == FrameHeader.TREE || rebuildsTree(h.type())) {
          Hashes expected = expectedTrees.remove(h.id());
          if (expected == null) {
            if (db.store().contains(h.id())) {
              r.skipPayload();
              continue;
            }
            throw new WireException(s.name() + " sent tree " + h.id() + " that no tree received so far names");
          }
          byte[] bytes;
          if (h.type() == FrameHeader.TREE) {
            if (h.size() > MAX_TREE_BYTES) {
              throw new WireException(s.name() + " declares tree " + h.id() + " of " + h.size() + " bytes, over the limit");
            }
            bytes = readExactly(r, h);
          } else {
            bytes = treeFromExtension(s, h, r, expected);
          }
          Tree t = checked.tree(expected, bytes);
          run.stored(bytes.length);
          for (var e : t.entries()) {
            if (e.isDirectory() && !db.store().contains(e.childId())) {
              expectedTrees.put(e.childId(), e.child());
            }
          }
          if (expectedTrees.isEmpty() && blobs == null) {
            // Every tree is in: the exact bytes still needed are known; check the disk first.
            blobs = blobsNeeded(head, run);
          }
        } else {
          if (blobs == null) {
            blobs = blobsNeeded(head, run);
          }
          Inventory.Need need = blobs.missingBlobs.get(h.id());
          if (need == null) {
            if (db.store().contains(h.id())) {
              r.skipPayload();
              continue;
            }
            throw new WireException(s.name() + " sent object " + h.id() + " that the version does not need");
          }
          if (h.type() == FrameHeader.BLOB) {
            if (h.size() != need.size()) {
              throw new CorruptObjectException(h.id(), s.name() + " declares " + h.size()
                  + " bytes where the tree entry says " + need.size() + "; refusing it");
            }
            if (need.size() <= BlobWriters.MAX_PIPELINED) {
              writers.reserve(need.size());
              byte[] bytes = readExactly(r, h);
              Inventory.Need n = need;
              writers.submit(need.size(), () -> {
                checked.blob(n, bytes);
                run.stored(n.size());
              });
              continue;
            }
            storeKeepingPrefix(need, r.payload());
          } else {
            ExtensionFrameDecoder d = decoders.get(h.type());
            if (d == null) {
              throw new WireException(s.name() + " sent frame type " + h.type() + ", which this casfs does not read");
            }
            if (h.size() <= BlobWriters.MAX_PIPELINED && need.size() <= BlobWriters.MAX_REBUILT) {
              // Deltas (all of a usual update) are applied on the writer threads, several at once,
              // while the stream goes on; each is verified there as below.
              long held = h.size() + Math.min(need.size(), BlobWriters.MAX_PIPELINED);
              writers.reserve(held);
              byte[] payload = readExactly(r, h);
              Inventory.Need n = need;
              FrameHeader fh = h;
              writers.submit(held, () -> applyAndStore(s, d, fh, payload, n, run));
              continue;
            }
            InputStream blob;
            try {
              blob = d.decode(h, need.size(), r.payload(), db.store());
            } catch (ObjectException e) {
              // An unusable frame (a corrupt delta, one for an old blob this machine lacks): the
              // blob stays missing and is fetched whole after the stream; the source stays.
              r.skipPayload();
              listener.note(s.name() + ": " + e.getMessage());
              continue;
            }
            try (blob) {
              checked.blob(need, blob);
            }
            r.skipPayload();
          }
          run.stored(need.size());
        }
      }
      // Wait for the stores in flight even after a clean end: anything still missing is then
      // fetched one by one.
      writers.finish();
      return blobs;
    }
  }

  /** Rebuilds a blob from an extension frame read whole and stores it; an unusable frame is a note. */
  private void applyAndStore(Source s, ExtensionFrameDecoder d, FrameHeader h, byte[] payload, Inventory.Need need,
      Run run) throws IOException {
    InputStream blob;
    try {
      blob = d.decode(h, need.size(), new java.io.ByteArrayInputStream(payload), db.store());
    } catch (ObjectException e) {
      // As in the stream: the blob stays missing and is fetched whole after the stream.
      listener.note(s.name() + ": " + e.getMessage());
      return;
    }
    try (blob) {
      checked.blob(need, blob);
    }
    run.stored(need.size());
  }

  private boolean rebuildsTree(int frameType) {
    ExtensionFrameDecoder d = decoders.get(frameType);
    return d != null && d.rebuilds() == ObjectType.TREE;
  }

  /**
   * A tree from an extension frame (a tree delta). One the decoder cannot use is fetched whole
   * from the same source at once (its subtrees and blobs follow in the stream and need it); the
   * bytes are verified by {@link #storeTree} either way.
   */
  private byte[] treeFromExtension(Source s, FrameHeader h, FrameReader r, Hashes expected) throws IOException {
    ExtensionFrameDecoder d = decoders.get(h.type());
    try (InputStream in = d.decode(h, MAX_TREE_BYTES, r.payload(), db.store())) {
      byte[] bytes = in.readNBytes(MAX_TREE_BYTES + 1);
      r.skipPayload();
      return bytes;
    } catch (ObjectException e) {
      r.skipPayload();
      listener.note(s.name() + ": " + e.getMessage());
      try (InputStream in = s.openObject(expected.id(), 0)) {
        return in.readNBytes(MAX_TREE_BYTES + 1);
      }
    }
  }

  private Inventory blobsNeeded(Head head, Run run) throws IOException {
    Inventory inv = inventory(head);
    if (!inv.treesComplete()) {
      throw new WireException("the source sent blobs before every tree of the version");
    }
    checkDisk(inv, run);
    synchronized (run) {
      run.bytesTotal = run.bytesDone + inv.missingBlobBytes;
      run.objectsTotal = run.objectsDone + inv.missingBlobs.size();
    }
    return inv;
  }

  private static byte[] readExactly(FrameReader r, FrameHeader h) throws IOException {
    byte[] b = r.payload().readNBytes((int) h.size());
    if (b.length != h.size()) {
      throw new java.io.EOFException("the fetch stream ended inside object " + h.id());
    }
    return b;
  }

  // ---- object by object (static mirrors, and whatever a stream did not bring) ----

  private void fetchEach(Source s, Head head, Run run) throws IOException {
    fetchEach(s, head.manifestId(), head, run, true);
  }

  /**
   * Fetches whatever of {@code manifestId} is missing, object by object; the manifest itself
   * (if missing) is checked against {@code head}.
   */
  private void fetchEach(Source s, ObjectId manifestId, Head head, Run run, boolean diskCheck) throws IOException {
    if (!db.store().contains(manifestId)) {
      if (head == null) {
        throw new org.casfs.cas.MissingObjectException(manifestId, "manifest (no signed head recorded to check a copy against)");
      }
      try (InputStream in = s.openObject(head.manifestId(), 0)) {
        byte[] bytes = in.readNBytes(MAX_MANIFEST_BYTES + 1);
        if (bytes.length > MAX_MANIFEST_BYTES) {
          throw new WireException(s.name() + " sent a manifest over " + MAX_MANIFEST_BYTES + " bytes");
        }
        checked.manifest(head, bytes);
        run.stored(bytes.length);
      }
    }
    Inventory inv = inventory(manifestId);
    StaticDeltas statics = StaticDeltas.of(db, perObjectDeltas, refs, manifestId, listener);
    while (!inv.missingTrees.isEmpty()) {
      Map<ObjectId, ObjectId> treeBases = statics.treeBases();
      ParallelJobs.run(config.parallelGets(), inv.missingTrees.values(), t -> {
        ObjectId base = treeBases.get(t.id());
        byte[] rebuilt = base == null ? null : statics.treeOrNull(s, base, t);
        if (rebuilt != null) {
          checked.tree(t, rebuilt);
          run.stored(rebuilt.length);
          return;
        }
        try (InputStream in = s.openObject(t.id(), 0)) {
          byte[] bytes = in.readNBytes(MAX_TREE_BYTES + 1);
          checked.tree(t, bytes);
          run.stored(bytes.length);
        }
      });
      inv = inventory(manifestId);
    }
    if (diskCheck) {
      checkDisk(inv, run);
    }
    synchronized (run) {
      run.bytesTotal = run.bytesDone + inv.missingBlobBytes;
      run.objectsTotal = run.objectsDone + inv.missingBlobs.size();
    }
    Map<ObjectId, ObjectId> bases = statics.blobBases();
    ParallelJobs.run(config.parallelGets(), inv.missingBlobs.values(), need -> {
      ObjectId base = bases.get(need.hashes().id());
      InputStream rebuilt = base == null ? null : statics.blobOrNull(s, base, need);
      if (rebuilt != null) {
        try (rebuilt) {
          checked.blob(need, rebuilt);
        }
        run.stored(need.size());
        return;
      }
      if (resumed(s, need, run)) {
        return;
      }
      try (InputStream in = s.openObject(need.hashes().id(), 0)) {
        LimitedStream limited = new LimitedStream(in, need.size(), s, need.hashes().id());
        storeKeepingPrefix(need, limited);
        run.stored(need.size());
      }
    });
  }

  /**
   * Stores a blob from {@code in}; a large one keeps the prefix received so far in
   * {@link PartialBlobs} until it is stored, so a broken transfer resumes where it stopped.
   */
  private void storeKeepingPrefix(Inventory.Need need, InputStream in) throws IOException {
    if (!partials.keeps(need.size())) {
      checked.blob(need, in);
      return;
    }
    ObjectId id = need.hashes().id();
    try (InputStream recorded = partials.recording(id, in, false)) {
      checked.blob(need, recorded);
    } catch (CorruptObjectException e) {
      partials.drop(id);
      throw e;
    }
    partials.drop(id);
  }

  /**
   * Completes a blob whose prefix is held with a range request for the rest; false (fetch it
   * whole) if none is held, the source does not do ranges, or prefix + rest do not verify (the
   * prefix is then dropped). A transfer that breaks again keeps what arrived.
   */
  private boolean resumed(Source s, Inventory.Need need, Run run) throws IOException {
    ObjectId id = need.hashes().id();
    long held = partials.keeps(need.size()) ? partials.heldBytes(id, need.size()) : 0;
    if (held <= 0) {
      return false;
    }
    try (InputStream rest = s.openObject(id, held);
        InputStream recorded = partials.recording(id,
            new LimitedStream(rest, need.size() - held, s, id), true);
        InputStream whole = new java.io.SequenceInputStream(partials.prefix(id, held), recorded)) {
      listener.note("resuming " + id + " at byte " + held + " of " + need.size() + " from " + s.name());
      checked.blob(need, whole);
    } catch (CorruptObjectException | WireException e) {
      // The prefix (from an earlier, maybe other, source) or the range answer is unusable.
      partials.drop(id);
      return false;
    }
    partials.drop(id);
    run.stored(need.size());
    return true;
  }
}
