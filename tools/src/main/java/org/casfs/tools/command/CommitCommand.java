package org.casfs.tools.command;

import org.casfs.tools.RefUpdates;
import org.casfs.cas.ObjectId;
import org.casfs.tools.CliException;
import org.casfs.tools.OpenRepo;
import org.casfs.tools.RepoCommand;
import org.casfs.txn.Actor;
import org.casfs.txn.CommitResult;
import org.casfs.txn.RefUpdate;
import org.casfs.txn.Transaction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code casfs commit}: the open transaction becomes a version. */
@Command(name = "commit", description = "Turn the open transaction (a writable mount's changes) into a new version"
    + " whose parent is its base. Does not switch unless --switch is given.")
public final class CommitCommand extends RepoCommand {
  @Option(names = {"--label", "-l"}, paramLabel = "L", converter = LabelArgument.class,
      description = "a label for the new version")
  String label;

  @Option(names = "--switch", description = "make the new version current (an atomic flip)")
  boolean switchTo;

  @Override
  protected void execute() throws Exception {
    try (OpenRepo open = open()) {
      Transaction t = open.txn().transactions().openOrNull();
      if (t == null) {
        throw CliException.usage("no open transaction to commit; 'casfs mount --writable' starts one");
      }
      if (t.importSource() != null) {
        throw CliException.usage("the open transaction is an interrupted import of " + t.importSource()
            + "; rerun 'casfs import " + t.importSource() + "' to finish it, or 'casfs abort'");
      }
      CommitResult r = t.commit(label == null ? "" : label);
      out().println(r.manifest().name() + (r.empty() ? "  (empty: nothing changed since the base)" : "")
          + "  trees written: " + r.treesWritten() + ", files: " + r.blobsWritten());
      if (switchTo) {
        ObjectId old = open.txn().refs().currentOrNull();
        RefUpdate u = open.txn().rootPointer().flip(old, r.manifest(), "commit --switch", Actor.COMMAND);
        RefUpdates.requireApplied(open, u, "switch to the new version", r.manifest());
        out().println("current: " + r.manifest());
      }
    }
  }
}
