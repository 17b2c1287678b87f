package org.casfs.tools;

import java.io.IOException;
import java.nio.file.Path;
import org.casfs.cas.store.Repository;
import org.casfs.tools.daemon.HeldRepository;
import picocli.CommandLine.Option;

/**
 * A command that works on a repository: adds {@code --repo DIR} (default {@code $CASFS_REPO}).
 * Not thread-safe: one instance per invocation.
 */
public abstract class RepoCommand extends CasfsCommand {
  @Option(names = "--repo", paramLabel = "DIR",
      description = "the repository directory (default: $CASFS_REPO)")
  private Path repoOption;

  /** The repository directory the user named, as an absolute path. */
  protected Path repoDir() {
    Path dir = RepoArguments.repoDirOrNull(repoOption, casfs().env("CASFS_REPO"), casfs().cwd());
    if (dir == null) {
      throw CliException.usage("no repository given; pass --repo DIR or set CASFS_REPO");
    }
    return dir;
  }

  /** The repository directory, or null if none was given (the command will say so when it runs). */
  public Path repoDirOrNull() {
    try {
      return repoDir();
    } catch (CliException e) {
      return null;
    }
  }

  /** Opens the repository, taking its lock; close it when done. */
  protected Repository openRepository() throws IOException {
    return Repository.open(repoDir());
  }

  /**
   * Opens the repository with its refs and version resolver; close it when done. In a daemon
   * (mount, peer) that holds this repository, this is the daemon's open repository, which closing
   * leaves open.
   */
  protected OpenRepo open() throws IOException {
    OpenRepo held = HeldRepository.borrowOrNull(repoDir());
    return held != null ? held : OpenRepo.of(openRepository());
  }
}
