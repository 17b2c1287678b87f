package org.casfs.tools.command;

import org.casfs.tools.CliException;
import org.casfs.tools.OpenRepo;
import org.casfs.tools.RepoCommand;
import org.casfs.txn.Transaction;
import picocli.CommandLine.Command;

/** {@code casfs abort}: throws the open transaction away. */
@Command(name = "abort", description = "Throw away the open transaction (or interrupted import); nothing of it remains.")
public final class AbortCommand extends RepoCommand {
  @Override
  protected void execute() throws Exception {
    try (OpenRepo open = open()) {
      Transaction t = open.txn().transactions().openOrNull();
      if (t == null) {
        throw CliException.usage("no open transaction to abort");
      }
      long id = t.id();
      t.abort();
      out().println("aborted transaction " + id);
    }
  }
}
