package org.casfs.tools.command;

import java.util.ArrayList;
import java.util.List;
import org.casfs.cas.ObjectId;
import org.casfs.cas.check.GcReport;
import org.casfs.sync.SyncState;
import org.casfs.tools.CheckProgress;
import org.casfs.tools.OpenRepo;
import org.casfs.tools.Progress;
import org.casfs.tools.RepoCommand;
import org.casfs.tools.daemon.HeldRepository;
import org.casfs.txn.RefGc;
import picocli.CommandLine.Command;

/** {@code casfs gc}: txn's gc with refs ({@link RefGc}); prints each version it removed, then the totals. */
@Command(name = "gc", description = "Remove what nothing keeps: kept are current, previous, staged, pins, the newest"
    + " N versions (config 'keep'), the open transaction's objects, what a pull in flight stored, the version a running mount"
    + " shows and the files opened through it."
    + " Safe to interrupt.")
public final class GcCommand extends RepoCommand {
  @Override
  protected void execute() throws Exception {
    try (OpenRepo open = open()) {
      GcReport report;
      RefGc gc;
      try (Progress bar = progress("gc", -1, null)) {
        // In a daemon: also what its mount shows and what its users have open (a pinned mount's
        // version, an old version's library a program still runs).
        // Only those present: one already gone (a damaged store) must not stop gc altogether.
        List<ObjectId> inUse = new ArrayList<>();
        for (ObjectId id : HeldRepository.objectsInUse(repoDir())) {
          if (open.repo().objects().contains(id)) {
            inUse.add(id);
          }
        }
        // A pull that stopped (a full disk, a power cut) resumes where it stopped: what it stored stays.
        SyncState sync = new SyncState(open.repo().kv());
        gc = new RefGc(open.txn()).progress(new CheckProgress(bar)).unfinished(() -> {
          ObjectId inFlight = sync.pullInFlightOrNull();
          return inFlight == null ? List.of() : List.of(inFlight);
        });
        report = gc.run(inUse);
      }
      gc.removedVersions().forEach((id, label) ->
          out().println("removed version " + id.name() + (label.isEmpty() ? "" : "  " + label)));
      out().println(report.summary());
    }
  }
}
