package org.casfs.tools.command;

import org.casfs.cas.ObjectId;
import org.casfs.sync.SyncState;
import org.casfs.tools.CheckProgress;
import org.casfs.tools.OpenRepo;
import org.casfs.tools.Progress;
import org.casfs.tools.RepoCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code casfs gc}: {@link RepoGc}; prints each version it removed, then the totals. */
@Command(name = "gc", description = "Remove what nothing keeps: kept are current, previous, staged, pins, the newest"
    + " N versions (config 'keep'), the open transaction's objects, what a pull in flight stored, the version a running mount"
    + " shows and the files opened through it."
    + " Safe to interrupt.")
public final class GcCommand extends RepoCommand {
  @Option(names = "--drop-unfinished", description = "also remove what a pull that did not finish stored (the next"
      + " pull starts over); by default it is kept, so that the pull goes on where it stopped")
  boolean dropUnfinished;

  @Override
  protected void execute() throws Exception {
    try (OpenRepo open = open()) {
      if (dropUnfinished) {
        SyncState sync = new SyncState(open.repo().kv());
        ObjectId unfinished = sync.pullInFlightOrNull();
        if (unfinished != null) {
          sync.setPullInFlight(null);
          out().println("dropped the unfinished pull of " + unfinished.name());
        }
      }
      RepoGc.Outcome gc;
      try (Progress bar = progress("gc", -1, null)) {
        gc = RepoGc.run(open, repoDir(), new CheckProgress(bar));
      }
      gc.removedVersions().forEach((id, label) ->
          out().println("removed version " + id.name() + (label.isEmpty() ? "" : "  " + label)));
      out().println(gc.report().summary());
    }
  }
}
