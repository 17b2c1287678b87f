package org.casfs.tools.command;

import org.casfs.cas.check.GcReport;
import org.casfs.tools.CheckProgress;
import org.casfs.tools.OpenRepo;
import org.casfs.tools.Progress;
import org.casfs.tools.RepoCommand;
import org.casfs.tools.daemon.HeldRepository;
import org.casfs.txn.RefGc;
import picocli.CommandLine.Command;

/** {@code casfs gc}: txn's gc with refs ({@link RefGc}). */
@Command(name = "gc", description = "Remove what nothing keeps: kept are current, previous, staged, pins, the newest"
    + " N versions (config 'keep'), the open transaction's objects and the version a running mount shows."
    + " Safe to interrupt.")
public final class GcCommand extends RepoCommand {
  @Override
  protected void execute() throws Exception {
    try (OpenRepo open = open()) {
      GcReport report;
      try (Progress bar = progress("gc", -1, null)) {
        // In a daemon: also what its mount shows (a pinned mount's version may be kept by nothing else).
        report = new RefGc(open.txn()).progress(new CheckProgress(bar)).run(HeldRepository.versionsInUse(repoDir()));
      }
      out().println(report.summary());
    }
  }
}
