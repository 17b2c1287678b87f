package org.casfs.tools.command;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.casfs.cas.ObjectId;
import org.casfs.cas.check.Fsck;
import org.casfs.cas.check.FsckReport;
import org.casfs.cas.check.Problem;
import org.casfs.sync.pull.PullConfig;
import org.casfs.sync.pull.Puller;
import org.casfs.tools.OpenRepo;

/** {@code casfs fsck --repair URL}: re-fetches, verified, what fsck found missing or damaged; then checks again. */
final class RepairStep {
  private RepairStep() {}

  static FsckReport repair(OpenRepo open, FsckReport report, String from, Path callerDirectory, PrintWriter out)
      throws Exception {
    // What the store holds wrongly goes before the fetch: corrupt or undecodable bytes, and an index
    // entry whose bytes are gone (a deleted loose file), which would otherwise count as present.
    List<ObjectId> damaged = new ArrayList<>();
    for (Problem p : report.problems()) {
      if (p.kind() == Problem.Kind.CORRUPT || p.kind() == Problem.Kind.UNDECODABLE
          || p.kind() == Problem.Kind.MISSING) {
        damaged.add(p.id());
      }
    }
    Set<ObjectId> versions = new LinkedHashSet<>(open.txn().refs().all().values());
    PullConfig config = PullConfig.defaults();
    Puller.RepairResult r = Puller.of(open.repo(), open.txn(), config)
        .repair(List.of(Puller.sourceFor(from, callerDirectory, config)), damaged, versions);
    out.println("repaired: fetched " + r.objectsFetched() + " objects (" + r.bytesFetched() + " bytes) from " + from);
    OpenRepo.CheckRoots roots = open.checkRoots();
    FsckReport again = new Fsck(open.repo().objects()).roots(roots.versions()).unfinished(roots.unfinished()).run();
    again.lines().forEach(out::println);
    return again;
  }
}
