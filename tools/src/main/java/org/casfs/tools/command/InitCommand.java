package org.casfs.tools.command;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.casfs.cas.Manifest;
import org.casfs.cas.io.ImportOptions;
import org.casfs.cas.store.RepoConfig;
import org.casfs.cas.store.Repository;
import org.casfs.sync.SyncState;
import org.casfs.tools.CliException;
import org.casfs.tools.RepoCommand;
import org.casfs.txn.KeySpaces;
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
    requireValidChannel(channel);
    Path dir = repoDir();
    try (Repository repo = Repository.init(dir, RepoConfig.defaults().withChannel(channel))) {
      // Every module's key spaces, now: each made on its first use costs that command a synced
      // RocksDB manifest write (a new machine's first pull made seven, ~30 ms of it).
      List<String> spaces = new ArrayList<>(KeySpaces.ALL);
      spaces.addAll(SyncState.KEY_SPACES);
      spaces.add(ImportOptions.STAT_CACHE_SPACE);
      repo.kv().createSpaces(spaces);
      out().println("initialized empty casfs repository in " + repo.dir() + " (channel " + channel + ")");
    }
  }

  static void requireValidChannel(String channel) {
    if (!Manifest.validChannel(channel)) {
      throw CliException.usage("bad channel name '" + channel
          + "'; use 1 to 64 characters of a-z, A-Z, 0-9, '.', '_', '-' and '/'");
    }
  }
}
