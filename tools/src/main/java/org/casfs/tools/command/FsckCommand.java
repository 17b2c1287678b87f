package org.casfs.tools.command;

import java.io.IOException;
import java.nio.file.Path;
import org.casfs.cas.check.Fsck;
import org.casfs.cas.check.FsckReport;
import org.casfs.cas.store.DamagedDatabaseException;
import org.casfs.cas.store.Repository;
import org.casfs.cas.store.SalvageReport;
import org.casfs.tools.CheckProgress;
import org.casfs.tools.CliException;
import org.casfs.tools.ExitCode;
import org.casfs.tools.Progress;
import org.casfs.tools.OpenRepo;
import org.casfs.tools.RepoCommand;
import org.casfs.tools.daemon.HeldRepository;
import picocli.CommandLine.Command;

/**
 * {@code casfs fsck}: hashes every object and follows every reference from every version; each
 * problem is one line on stdout naming the object and its paths; exit 4 if there is any. A pull
 * that stopped half way is named as unfinished, not as damage. A damaged database is salvaged
 * ({@code --salvage}, or by {@code --repair} when it meets one): rebuilt from what can still be
 * read, after which the repair fetches what was lost with it.
 */
@Command(name = "fsck", description = "Check every object's hash and every reference of every version.")
public final class FsckCommand extends RepoCommand {
  @picocli.CommandLine.Option(names = "--repair", paramLabel = "URL", converter = UrlArgument.OrFolder.class,
      description = "fetch every missing or damaged object from this server, peer, mirror URL or mirror directory")
  private String repairFrom;

  @picocli.CommandLine.Option(names = "--salvage",
      description = "first rebuild the repository's database if it is damaged, from every record that can still be"
          + " read (the damaged one is kept beside it as db.damaged-TIME); --repair does this by itself when it"
          + " meets a damaged database")
  private boolean salvage;

  @Override
  protected void execute() throws Exception {
    if (salvage) {
      salvage();
    }
    try {
      check();
    } catch (DamagedDatabaseException e) {
      if (repairFrom == null || salvage) {
        throw e;
      }
      log("casfs: the repository's database is damaged; salvaging it before the repair");
      salvage();
      check();
    }
  }

  private void check() throws Exception {
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
        report = RepairStep.repair(open, report, repairFrom, casfs().cwd(), out());
      }
      if (!report.isClean()) {
        throw new CliException(ExitCode.VERIFICATION, "fsck found " + report.problemCount() + " damaged or missing "
            + (report.problemCount() == 1 ? "object" : "objects") + " (listed above)"
            + "; run 'casfs fsck --repair URL' to fetch good copies from a server or peer");
      }
    }
  }

  /** Rebuilds the database if it is damaged; a daemon that has it open must be stopped first. */
  private void salvage() throws IOException {
    Path dir = repoDir();
    if (HeldRepository.borrowOrNull(dir) != null) {
      throw new CliException(ExitCode.BUSY, "a casfs daemon (mount, peer or serve) has " + dir + " open; stop it,"
          + " then run 'casfs fsck --salvage', or start it again: a daemon salvages a damaged database as it starts");
    }
    SalvageReport report = salvage(dir);
    report.lines().forEach(out()::println);
  }
}
