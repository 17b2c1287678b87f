package org.casfs.tools.command;

import org.casfs.tools.RefUpdates;
import org.casfs.cas.ObjectId;
import org.casfs.tools.OpenRepo;
import org.casfs.tools.RepoCommand;
import org.casfs.txn.Actor;
import org.casfs.txn.RefUpdate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code casfs switch VERSION}: one atomic flip of {@code current}. */
@Command(name = "switch", description = "Make VERSION current: one atomic, durable flip (the old current becomes"
    + " 'previous'). Refused if VERSION is not complete in this repository.")
public final class SwitchCommand extends RepoCommand {
  @Parameters(index = "0", paramLabel = "VERSION", description = "id, unique id prefix, label, ref or REF~N")
  String version;

  @Override
  protected void execute() throws Exception {
    try (OpenRepo open = open()) {
      ObjectId target = open.resolve(version);
      ObjectId old = open.txn().refs().currentOrNull();
      RefUpdate u = open.txn().rootPointer().flip(old, target, "switch " + version, Actor.COMMAND);
      RefUpdates.requireApplied(open, u, "switch to " + version, target);
      out().println(u == RefUpdate.NO_CHANGE ? "already current: " + target
          : "current: " + target + (old == null ? "" : " (previous: " + old + ")"));
    }
  }
}
