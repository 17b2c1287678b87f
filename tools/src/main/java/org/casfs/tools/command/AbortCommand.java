package org.casfs.tools.command;

import org.casfs.tools.CliException;
import org.casfs.tools.OpenRepo;
import org.casfs.tools.RepoCommand;
import picocli.CommandLine.Command;

/** {@code casfs abort}: throws the open transaction away. */
@Command(name = "abort", description = "Throw away the open transaction (or interrupted import); nothing of it remains.")
public final class AbortCommand extends RepoCommand {
  @Override
  protected void execute() throws Exception {
    try (OpenRepo open = open()) {
      // Without replaying the journal: abort must work even when resuming would not.
      long id = open.txn().transactions().abortOpen();
      if (id < 0) {
        throw CliException.usage("no open transaction to abort");
      }
      out().println("aborted transaction " + id);
    }
  }
}
