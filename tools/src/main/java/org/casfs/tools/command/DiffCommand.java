package org.casfs.tools.command;

import org.casfs.cas.ObjectId;
import org.casfs.cas.Sizes;
import org.casfs.cas.check.Change;
import org.casfs.cas.check.DiffReport;
import org.casfs.cas.check.NewContent;
import org.casfs.cas.check.TreeDiff;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.cas.store.Snapshot;
import org.casfs.tools.OpenRepo;
import org.casfs.tools.RepoCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code casfs diff V1 V2}: every added (A), removed (D) and changed (M) path with sizes and what
 * changed, then the totals and the bytes of content V1 holds nowhere. Walks only subtrees whose
 * ids differ, and then V1's trees for that last figure.
 */
@Command(name = "diff", description = "List paths added (A), removed (D) and changed (M) from V1 to V2, with sizes"
    + " and totals.")
public final class DiffCommand extends RepoCommand {
  @Parameters(index = "0", paramLabel = "V1", description = "the old version")
  String from;

  @Parameters(index = "1", paramLabel = "V2", description = "the new version")
  String to;

  @Option(names = "--summary", description = "print only the totals")
  boolean summaryOnly;

  @Override
  protected void execute() throws Exception {
    try (OpenRepo open = open()) {
      ObjectDatabase db = open.repo().objectDatabase();
      ObjectId a = open.resolve(from);
      ObjectId b = open.resolve(to);
      DiffReport d = new TreeDiff(db).diff(Snapshot.open(db, a), Snapshot.open(db, b));
      if (!summaryOnly) {
        for (Change c : d.changes()) {
          out().println(c);
        }
      }
      out().println(d.added() + " added (" + Sizes.bytes(d.bytesAdded()) + "), " + d.removed() + " removed ("
          + Sizes.bytes(d.bytesRemoved()) + "), " + d.changed() + " changed (" + Sizes.bytes(d.bytesChanged())
          + " now); " + Sizes.bytes(NewContent.bytes(db, Snapshot.open(db, a), d.changes()))
          + " of content new to V1 (fetched without deltas)");
    }
  }
}
