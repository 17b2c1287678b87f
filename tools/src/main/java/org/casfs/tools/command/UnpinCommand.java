package org.casfs.tools.command;

import org.casfs.cas.ObjectId;
import org.casfs.tools.CliException;
import org.casfs.tools.OpenRepo;
import org.casfs.tools.RepoCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code casfs unpin NAME|VERSION}: gc may remove the version again (unless something else keeps it). */
@Command(name = "unpin", description = "Remove a pin by its name, or every pin of VERSION.")
public final class UnpinCommand extends RepoCommand {
  @Parameters(index = "0", paramLabel = "NAME|VERSION", description = "a pin name or a version")
  String what;

  @Override
  protected void execute() throws Exception {
    try (OpenRepo open = open()) {
      int removed = open.txn().refs().unpin(what);
      if (removed == 0) {
        ObjectId id = open.resolve(what);
        removed = open.txn().refs().unpin(id.name());
      }
      if (removed == 0) {
        throw CliException.usage("no pin named or pointing at '" + what + "'; see 'casfs status'");
      }
      out().println("removed " + removed + " pin" + (removed == 1 ? "" : "s"));
    }
  }
}
