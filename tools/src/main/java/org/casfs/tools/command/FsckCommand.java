package org.casfs.tools.command;

import org.casfs.cas.check.Fsck;
import org.casfs.cas.check.FsckReport;
import org.casfs.cas.store.Repository;
import org.casfs.tools.CheckProgress;
import org.casfs.tools.CliException;
import org.casfs.tools.ExitCode;
import org.casfs.tools.Progress;
import org.casfs.tools.OpenRepo;
import org.casfs.tools.RepoCommand;
import picocli.CommandLine.Command;

/**
 * {@code casfs fsck}: hashes every object and follows every reference from every version; each
 * problem is one line on stdout naming the object and its paths; exit 4 if there is any. A pull
 * that stopped half way is named as unfinished, not as damage.
 */
@Command(name = "fsck", description = "Check every object's hash and every reference of every version.")
public final class FsckCommand extends RepoCommand {
  @picocli.CommandLine.Option(names = "--repair", paramLabel = "URL",
      description = "fetch every missing or damaged object from this server, peer, mirror URL or mirror directory")
  private String repairFrom;

  @Override
  protected void execute() throws Exception {
    try (OpenRepo open = open()) {
      Repository repo = open.repo();
      OpenRepo.CheckRoots roots = open.checkRoots();
      FsckReport report;
      try (Progress bar = progress("fsck", -1, null)) {
        report = new Fsck(repo.objects()).roots(roots.versions()).unfinished(roots.unfinished())
            .progress(new CheckProgress(bar)).run();
      }
      report.lines().forEach(out()::println);
      if (!report.isClean() && repairFrom != null) {
        report = RepairStep.repair(open, report, repairFrom, out());
      }
      if (!report.isClean()) {
        throw new CliException(ExitCode.VERIFICATION, "fsck found " + report.problemCount() + " damaged or missing "
            + (report.problemCount() == 1 ? "object" : "objects") + " (listed above)"
            + "; run 'casfs fsck --repair URL' to fetch good copies from a server or peer");
      }
    }
  }
}
