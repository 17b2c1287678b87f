package org.casfs.tools.command;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.casfs.cas.ObjectId;
import org.casfs.cas.check.GcReport;
import org.casfs.cas.check.Progress;
import org.casfs.sync.SyncState;
import org.casfs.tools.OpenRepo;
import org.casfs.tools.daemon.HeldRepository;
import org.casfs.txn.RefGc;

/**
 * gc as casfs runs it on an open repository, for {@code casfs gc} and for a peer daemon's own
 * ({@link PeerOptions}): {@link RefGc}'s roots, and besides them what the process holding the
 * repository shows and its users have open, and what a pull in flight stored. Stateless.
 */
final class RepoGc {
  private RepoGc() {}

  /** What one gc removed: the versions (id and label) and the report. */
  record Outcome(Map<ObjectId, String> removedVersions, GcReport report) {}

  static Outcome run(OpenRepo open, Path repoDir, Progress progress) throws IOException {
    // In a daemon: also what its mount shows and what its users have open (a pinned mount's
    // version, an old version's library a program still runs).
    // Only those present: one already gone (a damaged store) must not stop gc altogether.
    List<ObjectId> inUse = new ArrayList<>();
    for (ObjectId id : HeldRepository.objectsInUse(repoDir)) {
      if (open.repo().objects().contains(id)) {
        inUse.add(id);
      }
    }
    // A pull that stopped (a full disk, a power cut) resumes where it stopped: what it stored stays.
    SyncState sync = new SyncState(open.repo().kv());
    RefGc gc = new RefGc(open.txn()).progress(progress).unfinished(() -> {
      ObjectId inFlight = sync.pullInFlightOrNull();
      return inFlight == null ? List.of() : List.of(inFlight);
    });
    GcReport report = gc.run(inUse);
    // Opened on a full disk, gc took the room kept for it: keep it again once gc made room.
    open.repo().keepReserve();
    return new Outcome(gc.removedVersions(), report);
  }
}
