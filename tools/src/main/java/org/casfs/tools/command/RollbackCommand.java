package org.casfs.tools.command;

import org.casfs.tools.RefUpdates;
import org.casfs.cas.ObjectId;
import org.casfs.tools.OpenRepo;
import org.casfs.tools.RepoCommand;
import org.casfs.txn.RefUpdate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code casfs rollback [--to VERSION]}: flip back to {@code previous} or to a version from the history. */
@Command(name = "rollback", description = "Make 'previous' current again (one atomic flip), or with --to a version"
    + " that ran here before (see 'casfs history').")
public final class RollbackCommand extends RepoCommand {
  @Option(names = "--to", paramLabel = "VERSION", description = "a version from 'casfs history'")
  String to;

  @Override
  protected void execute() throws Exception {
    try (OpenRepo open = open()) {
      ObjectId old = open.txn().refs().currentOrNull();
      ObjectId target;
      RefUpdate u;
      if (to == null) {
        target = open.txn().refs().previousOrNull();
        u = open.txn().rootPointer().rollback();
      } else {
        target = open.resolve(to);
        u = open.txn().rootPointer().rollbackTo(target);
      }
      RefUpdates.requireApplied(open, u, "rollback", target);
      out().println(u == RefUpdate.NO_CHANGE ? "already current: " + target
          : "current: " + target + " (rolled back from " + old + ")");
    }
  }
}
