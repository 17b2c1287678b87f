package org.casfs.tools.command;

import java.util.List;
import org.casfs.cas.check.GcReport;
import org.casfs.tools.CheckProgress;
import org.casfs.tools.OpenRepo;
import org.casfs.tools.Progress;
import org.casfs.tools.RepoCommand;
import org.casfs.txn.RefGc;
import picocli.CommandLine.Command;

/** {@code casfs gc}: txn's gc with refs ({@link RefGc}). */
@Command(name = "gc", description = "Remove what nothing keeps: kept are current, previous, staged, pins, the newest"
    + " N versions (config 'keep') and the open transaction's objects. Safe to interrupt.")
public final class GcCommand extends RepoCommand {
  @Override
  protected void execute() throws Exception {
    try (OpenRepo open = open()) {
      GcReport report;
      try (Progress bar = progress("gc", -1, null)) {
        report = new RefGc(open.txn()).progress(new CheckProgress(bar)).run(List.of());
      }
      out().println(report.summary());
    }
  }
}
