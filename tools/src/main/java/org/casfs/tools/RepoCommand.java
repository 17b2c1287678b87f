package org.casfs.tools;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.casfs.cas.store.DamagedDatabaseException;
import org.casfs.cas.store.Repository;
import org.casfs.cas.store.RepositoryLockedException;
import org.casfs.cas.store.SalvageReport;
import org.casfs.tools.daemon.ControlClient;
import org.casfs.tools.daemon.HeldRepository;
import org.casfs.txn.Completeness;
import picocli.CommandLine.Option;

/**
 * A command that works on a repository: adds {@code --repo DIR} (default {@code $CASFS_REPO}).
 * Not thread-safe: one instance per invocation.
 */
public abstract class RepoCommand extends CasfsCommand {
  /** How long a daemon waits for a command that holds its repository to finish. */
  static final Duration DAEMON_LOCK_WAIT = Duration.ofSeconds(60);
  private static final long LOCK_POLL_MS = 100;
  /** The commands that run until stopped and own their repository meanwhile. */
  private static final Set<String> DAEMONS = Set.of("serve", "peer", "mount");

  static {
    // "in use by process 4711 (casfs import /srv/image)", and isDaemon below reads that name.
    Repository.nameProgram(Casfs.class.getName(), "casfs");
  }

  @Option(names = "--repo", paramLabel = "DIR",
      description = "the repository directory (default: $CASFS_REPO)")
  private String repoOption; // a String: an empty one is refused, not taken for the working directory

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

  /**
   * Opens the repository, taking its lock; close it when done. While another command holds it,
   * waits for up to {@link #lockWait()}. A daemon that took it a moment ago (after the launcher
   * looked for one) gets this command: the invocation is handed over to it
   * ({@link Casfs#handOverToDaemon}), as if it had been running already.
   */
  protected Repository openRepository() throws IOException {
    Path dir = repoDir();
    long deadline = System.nanoTime() + lockWait().toNanos();
    boolean told = false;
    boolean salvaged = false;
    while (true) {
      try {
        if (DAEMONS.contains(spec.name()) && !salvaged && Repository.damageNotedOrNull(dir) != null) {
          salvaged = salvageBeforeStarting(dir, Repository.damageNotedOrNull(dir));
        }
        return opened(mayUseReserve() ? Repository.openUsingReserve(dir) : Repository.open(dir));
      } catch (DamagedDatabaseException e) {
        if (!DAEMONS.contains(spec.name()) || salvaged) {
          throw e;
        }
        salvaged = salvageBeforeStarting(dir, e.getMessage());
      } catch (RepositoryLockedException e) {
        boolean daemon = isDaemon(e.holderCommandOrNull());
        if (daemon && lockWait().isZero() && casfs().mayHandOver() && ControlClient.awaitStartingDaemon(dir)) {
          casfs().handOverToDaemon();
          throw new HandedToDaemonException();
        }
        // A daemon owns it for good: it is not waited for. (A control socket's file is no sign of
        // one: a killed daemon leaves it behind.)
        if (System.nanoTime() >= deadline || daemon) {
          throw e;
        }
        if (!told) {
          log("casfs: waiting for process " + e.holder() + " to let go of " + dir + " (up to "
              + lockWait().toSeconds() + " s)");
          told = true;
        }
        try {
          Thread.sleep(LOCK_POLL_MS);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /**
   * The key spaces of other modules that a salvaged database leaves behind, since they are
   * derived from the objects and could vouch for one that was lost: txn's markers of complete
   * versions.
   */
  private static final List<String> DERIVED_SPACES = List.of(Completeness.SPACE);

  /** Salvages the repository's database ({@link Repository#salvage}); the report is the caller's to print. */
  protected static SalvageReport salvage(Path dir) throws IOException {
    return Repository.salvage(dir, DERIVED_SPACES);
  }

  /**
   * A daemon does not stop at a damaged database (a laptop's mount is its root filesystem): it
   * salvages it first, saying so, and its neighbours or {@code casfs fsck --repair} bring back what
   * was lost. Returns true.
   */
  private boolean salvageBeforeStarting(Path dir, String damage) throws IOException {
    log("casfs: the database of " + dir + " is damaged (" + damage + "): salvaging it before starting");
    try {
      salvage(dir).lines().forEach(line -> log("casfs: " + line.strip()));
    } catch (RepositoryLockedException busy) {
      throw busy; // waited for, as for any open
    } catch (IOException e) {
      // A read-only filesystem, damage beyond salvage: start as before, on the database as it is.
      log("casfs: could not salvage it (" + e.getMessage() + "); starting on it as it is");
    }
    return true;
  }

  /**
   * True if this command may take the room a repository keeps for a full disk to open it: gc,
   * which frees space, and the daemons (a laptop's mount is its root filesystem). Others open such
   * a repository for reading only.
   */
  private boolean mayUseReserve() {
    return spec.name().equals("gc") || DAEMONS.contains(spec.name());
  }

  private Repository opened(Repository repo) {
    if (repo.releasedReserve()) {
      log("casfs: the disk of " + repo.dir() + " is full: opened it with the room it keeps for this (its file 'reserve',"
          + " made again once there is room); free space on that disk ('casfs gc' removes the versions nothing keeps)");
    } else if (repo.readOnlyForWantOfSpace() && DAEMONS.contains(spec.name())) {
      // (a command says nothing unless it tries a change, which fails saying the disk is full)
      log("casfs: the disk of " + repo.dir() + " is full: opened it for reading only; free space on that disk"
          + " (remove files you do not need, or run 'casfs gc')");
    }
    return repo;
  }

  /** True for {@code casfs serve ...}, {@code casfs peer ...} and {@code casfs mount ...}. */
  static boolean isDaemon(String command) {
    if (command == null || !command.startsWith("casfs ")) {
      return false;
    }
    String[] words = command.split(" ");
    for (int i = 1; i < words.length; i++) {
      if (words[i].equals("--repo")) {
        i++;
      } else if (!words[i].startsWith("-")) {
        return DAEMONS.contains(words[i]);
      }
    }
    return false;
  }

  /**
   * How long opening waits for another process to let go of the repository: {@link
   * #DAEMON_LOCK_WAIT} for a daemon (started at the moment a {@code casfs log} or {@code casfs
   * status} runs, as at boot or from a script, it must not fail for a lock held a fraction of a
   * second), none for a command (the launcher already gave a daemon that is starting its time).
   */
  private Duration lockWait() {
    return DAEMONS.contains(spec.name()) ? DAEMON_LOCK_WAIT : Duration.ZERO;
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
