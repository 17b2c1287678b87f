package org.casfs.tools;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Set;

/**
 * Which repository a command line names, found without picocli and without loading a command
 * class: a command typed while a daemon owns the repository is forwarded to it at once, so the
 * forwarding client stays a small JVM (loading the thirty command classes and their annotations
 * was most of a forwarded command's start). {@code RepoArgumentsTest} keeps {@link #COMMANDS}
 * equal to the {@link RepoCommand}s that {@link Casfs} registers, and to the list of the launcher's
 * native client ({@code tools/native/casfs-forward.c}).
 */
public final class RepoArguments {
  /** The names of the subcommands that work on a repository. */
  static final Set<String> COMMANDS = Set.of("abort", "cat", "channel", "checkout", "commit", "delta", "diff", "fsck",
      "gc", "history", "import", "init", "log", "ls", "mirror", "mount", "peer", "pin", "pull", "rollback", "serve",
      "show", "sign", "status", "switch", "trust", "unpin");

  private RepoArguments() {}

  /** True if {@code name} is the name of a repository command. */
  public static boolean isRepoCommand(String name) {
    return COMMANDS.contains(name);
  }

  /**
   * The repository directory, absolute: {@code --repo} (resolved against {@code cwd}), else
   * {@code $CASFS_REPO} resolved against {@code cwd}; null if neither is given (an empty or blank
   * variable counts as not set).
   *
   * @throws CliException (bad usage) for an empty {@code --repo}, which would silently be the
   *     working directory, and for a path that is not UTF-8 ({@link UnspellablePath})
   */
  public static Path repoDirOrNull(String repoOption, String repoEnv, Path cwd) {
    if (repoOption != null) {
      if (repoOption.isEmpty()) {
        throw CliException.usage("--repo is empty; give the repository directory (--repo . for this one)");
      }
      return resolved("--repo", repoOption, cwd);
    }
    if (repoEnv != null && !repoEnv.isBlank()) {
      return resolved("CASFS_REPO", repoEnv, cwd);
    }
    return null;
  }

  private static Path resolved(String from, String dir, Path cwd) {
    try {
      return cwd.resolve(dir).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw CliException.usage(from + ": " + UnspellablePath.describe(dir));
    }
  }
}
