package org.casfs.tools.command;

import org.casfs.cas.store.Repository;
import org.casfs.tools.CliException;
import org.casfs.tools.ExitCode;
import org.casfs.tools.OpenRepo;
import org.casfs.tools.RepoCommand;
import org.casfs.tools.daemon.HeldRepository;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code casfs channel [NAME]}: the update channel this machine follows, or a change to another
 * one. A change is a local, explicit act, like a rollback: the next pull takes the newest version
 * of the new channel whatever its sequence (sequences are numbered per channel), and the versions
 * here stay until gc. A daemon that has the repository open follows the channel it started with,
 * so the change is refused while one runs.
 */
@Command(name = "channel", description = "Show the update channel this repository follows, or follow NAME from "
    + "now on (the next pull takes the newest version of NAME, whatever its sequence).")
public final class ChannelCommand extends RepoCommand {
  @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "the channel to follow")
  String name;

  @Override
  protected void execute() throws Exception {
    try (OpenRepo open = open()) {
      Repository repo = open.repo();
      String old = repo.config().channel();
      if (name == null) {
        out().println(old);
        return;
      }
      InitCommand.requireValidChannel(name);
      if (name.equals(old)) {
        out().println("already follows channel " + name);
        return;
      }
      if (HeldRepository.holds(repo.dir())) {
        throw new CliException(ExitCode.BUSY, "a casfs daemon (mount, peer or serve) has " + repo.dir()
            + " open and follows channel '" + old + "' until it stops; stop it, run 'casfs channel " + name
            + "', and start it again");
      }
      repo.changeChannel(name);
      out().println("channel " + old + " -> " + name + ": the next pull takes the newest version of '" + name
          + "' (its sequence numbers are its own); the versions here stay until gc");
    }
  }
}
