package org.casfs.tools.command;

import org.casfs.tools.RefUpdates;
import org.casfs.cas.ObjectId;
import org.casfs.tools.OpenRepo;
import org.casfs.tools.RepoCommand;
import org.casfs.txn.RefUpdate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code casfs pin VERSION}: gc keeps a pinned version. */
@Command(name = "pin", description = "Keep VERSION from gc (a ref pin/NAME; NAME defaults to the version id).")
public final class PinCommand extends RepoCommand {
  @Parameters(index = "0", paramLabel = "VERSION", description = "id, unique id prefix, label, ref or REF~N")
  String version;

  @Option(names = "--name", paramLabel = "NAME", description = "the pin's name (a-z, A-Z, 0-9, '.', '_', '-')")
  String name;

  @Override
  protected void execute() throws Exception {
    try (OpenRepo open = open()) {
      ObjectId id = open.resolve(version);
      String pin = name == null ? id.name() : name;
      RefUpdate u = open.txn().refs().pin(pin, id);
      RefUpdates.requireApplied(open, u, "pin", id);
      out().println((u == RefUpdate.NO_CHANGE ? "already pinned: " : "pinned: ") + "pin/" + pin + " -> " + id);
    }
  }
}
