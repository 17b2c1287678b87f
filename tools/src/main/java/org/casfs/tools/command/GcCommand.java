package org.casfs.tools.command;

import java.util.LinkedHashSet;
import java.util.Set;
import org.casfs.cas.ObjectId;
import org.casfs.cas.check.Gc;
import org.casfs.cas.check.GcReport;
import org.casfs.cas.store.Repository;
import org.casfs.tools.CheckProgress;
import org.casfs.tools.Progress;
import org.casfs.tools.OpenRepo;
import org.casfs.tools.RepoCommand;
import picocli.CommandLine.Command;

/** {@code casfs gc}: removes every object that no version reaches. */
@Command(name = "gc", description = "Remove objects that no version reaches (safe to interrupt).")
public final class GcCommand extends RepoCommand {
  @Override
  protected void execute() throws Exception {
    try (OpenRepo open = open()) {
      Repository repo = open.repo();
      Set<ObjectId> roots = new LinkedHashSet<>(open.allManifests());
      roots.addAll(open.txn().refs().all().values());
      open.txn().completeness().forgetAll(); // a marker must never outlive its object
      GcReport report;
      try (Progress bar = progress("gc", -1, null)) {
        report = new Gc(repo.objects()).progress(new CheckProgress(bar)).run(roots);
      }
      out().println(report.summary());
    }
  }
}
