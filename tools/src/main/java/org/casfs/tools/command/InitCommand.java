package org.casfs.tools.command;

import java.nio.file.Path;
import org.casfs.cas.Manifest;
import org.casfs.cas.store.RepoConfig;
import org.casfs.cas.store.Repository;
import org.casfs.tools.CliException;
import org.casfs.tools.RepoCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code casfs init}: creates an empty repository. */
@Command(name = "init", description = "Create an empty repository in --repo DIR (new or empty directory).")
public final class InitCommand extends RepoCommand {
  @Option(names = "--channel", paramLabel = "NAME", defaultValue = "stable",
      description = "the update channel this repository follows (default: ${DEFAULT-VALUE})")
  String channel;

  @Override
  protected void execute() throws Exception {
    if (!Manifest.validChannel(channel)) {
      throw CliException.usage("bad channel name '" + channel
          + "'; use 1 to 64 characters of a-z, A-Z, 0-9, '.', '_', '-' and '/'");
    }
    Path dir = repoDir();
    try (Repository repo = Repository.init(dir, RepoConfig.defaults().withChannel(channel))) {
      out().println("initialized empty casfs repository in " + repo.dir() + " (channel " + channel + ")");
    }
  }
}
