package org.casfs.sync.pull;

import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Map;
import org.casfs.cas.CorruptObjectException;
import org.casfs.cas.MissingObjectException;
import org.casfs.cas.ObjectId;
import org.casfs.sync.trust.Head;
import org.casfs.sync.wire.WireException;

/**
 * A version fetched object by object with parallel GETs: from static mirrors, which cannot stream,
 * and for whatever a fetch stream did not bring. The manifest (if missing) is checked against the
 * signed head, then every missing tree level by level, then the blobs; where the source publishes
 * deltas ({@link StaticDeltas}) a blob or tree is rebuilt from the old one this machine holds, and
 * a large blob whose prefix is held from a broken transfer is completed with a range request.
 */
final class ObjectByObject {
  private final PullParts p;

  ObjectByObject(PullParts p) {
    this.p = p;
  }

  /** Fetches whatever of the version {@code head} names is missing, checking the disk first. */
  void fetch(Source s, Head head, PullRun run) throws IOException {
    fetch(s, head.manifestId(), head, run, true);
  }

  /**
   * Fetches whatever of {@code manifestId} is missing, object by object; the manifest itself
   * (if missing) is checked against {@code head}.
   */
  void fetch(Source s, ObjectId manifestId, Head head, PullRun run, boolean diskCheck) throws IOException {
    if (!p.db().store().contains(manifestId)) {
      if (head == null) {
        throw new MissingObjectException(manifestId, "manifest (no signed head recorded to check a copy against)");
      }
      try (InputStream in = s.openObject(head.manifestId(), 0)) {
        byte[] bytes = in.readNBytes(PullParts.MAX_MANIFEST_BYTES + 1);
        if (bytes.length > PullParts.MAX_MANIFEST_BYTES) {
          throw new WireException(s.name() + " sent a manifest over " + PullParts.MAX_MANIFEST_BYTES + " bytes");
        }
        p.checked().manifest(head, bytes);
        run.stored(bytes.length);
      }
    }
    Inventory inv = p.inventory(manifestId);
    StaticDeltas statics = StaticDeltas.of(p.db(), p.perObjectDeltas(), p.refs(), manifestId, p.listener());
    while (!inv.missingTrees.isEmpty()) {
      Map<ObjectId, ObjectId> treeBases = statics.treeBases();
      ParallelJobs.run(p.config().parallelGets(), inv.missingTrees.values(), t -> {
        ObjectId base = treeBases.get(t.id());
        byte[] rebuilt = base == null ? null : statics.treeOrNull(s, base, t);
        if (rebuilt != null) {
          p.trees().use(t.id(), rebuilt, bytes -> {
            p.checked().tree(t, bytes);
            run.stored(bytes.length);
          });
          return;
        }
        try (InputStream in = s.openObject(t.id(), 0)) {
          p.trees().read(s.name(), t.id(), in, bytes -> {
            p.checked().tree(t, bytes);
            run.stored(bytes.length);
          });
        }
      });
      inv = p.inventory(manifestId);
    }
    if (diskCheck) {
      p.checkDisk(inv, run);
    }
    run.expect(inv);
    Map<ObjectId, ObjectId> bases = statics.blobBases();
    ParallelJobs.run(p.config().parallelGets(), inv.missingBlobs.values(), need -> {
      ObjectId base = bases.get(need.hashes().id());
      InputStream rebuilt = base == null ? null : statics.blobOrNull(s, base, need);
      if (rebuilt != null) {
        try (rebuilt) {
          p.checked().blob(need, rebuilt);
        }
        run.stored(need.size());
        return;
      }
      if (resumed(s, need, run)) {
        return;
      }
      try (InputStream in = s.openObject(need.hashes().id(), 0)) {
        LimitedStream limited = new LimitedStream(in, need.size(), s, need.hashes().id());
        p.storeKeepingPrefix(need, limited);
        run.stored(need.size());
      }
    });
  }

  /**
   * Completes a blob whose prefix is held with a range request for the rest; false (fetch it
   * whole) if none is held, the source does not do ranges, or prefix + rest do not verify (the
   * prefix is then dropped). A transfer that breaks again keeps what arrived.
   */
  private boolean resumed(Source s, Inventory.Need need, PullRun run) throws IOException {
    ObjectId id = need.hashes().id();
    long held = p.partials().keeps(need.size()) ? p.partials().heldBytes(id, need.size()) : 0;
    if (held <= 0) {
      return false;
    }
    try (InputStream rest = s.openObject(id, held);
        InputStream recorded = p.partials().recording(id,
            new LimitedStream(rest, need.size() - held, s, id), true);
        InputStream whole = new SequenceInputStream(p.partials().prefix(id, held), recorded)) {
      p.listener().note("resuming " + id + " at byte " + held + " of " + need.size() + " from " + s.name());
      p.checked().blob(need, whole);
    } catch (CorruptObjectException | WireException e) {
      // The prefix (from an earlier, maybe other, source) or the range answer is unusable.
      p.partials().drop(id);
      return false;
    }
    p.partials().drop(id);
    run.stored(need.size());
    return true;
  }
}
