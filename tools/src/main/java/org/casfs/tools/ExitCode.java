package org.casfs.tools;

import java.nio.file.FileSystemException;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Map;
import org.casfs.cas.ObjectException;
import org.casfs.cas.store.DamagedDatabaseException;
import org.casfs.cas.store.NotARepositoryException;
import org.casfs.cas.store.RepositoryExistsException;
import org.casfs.cas.store.RepositoryLockedException;
import org.casfs.txn.VersionException;
import picocli.CommandLine.ParameterException;

/**
 * The exit-code policy of the {@code casfs} command, in one place: which failure ends with which
 * code, and what a user should do about it when the failure itself does not say.
 *
 * <p>To map a new exception type, add one line to {@link #BY_TYPE} (first match wins, so put
 * subclasses before their superclasses). Stateless and thread-safe.
 */
public enum ExitCode {
  OK(0, ""),
  /** A failure nobody mapped: a bug in casfs. */
  INTERNAL(1, "this is a bug in casfs; rerun with CASFS_DEBUG=1 and report the stack trace"),
  /** Bad usage or a bad argument: unknown version, non-empty checkout target, bad path, unknown option. */
  USAGE(2, "see 'casfs --help'"),
  /** Not a repository, or a repository that already exists. */
  REPOSITORY(3, "check --repo or CASFS_REPO"),
  /** Verification failed: a corrupt or missing object, a damaged database, a bad signature. */
  VERIFICATION(4, "run 'casfs fsck' to see what is damaged"),
  /** Reading or writing a file failed. */
  IO(5, "check the path, its permissions and the free space"),
  /** Another process holds the repository. */
  BUSY(6, "wait for the other casfs process or stop it"),
  /** The request was valid but refused: a ref moved meanwhile, a downgrade. */
  REJECTED(7, "look at 'casfs status' and try again"),
  /**
   * Interrupted: by Ctrl-C, the JVM then ends with 130 (128 + SIGINT, as a shell reports it), or
   * 143 for SIGTERM, whatever code the command chose; a checkout undoes what it wrote first.
   */
  INTERRUPTED(130, "run the command again"),
  /**
   * Standard output was a pipe whose reader went away ({@code casfs log | head -1}): nothing is
   * said and the code is a SIGPIPE death's (128 + 13), as git and the coreutils end; a shell
   * reports it only under {@code set -o pipefail}.
   */
  BROKEN_PIPE(141, "");

  private final int code;
  private final String advice;

  ExitCode(int code, String advice) {
    this.code = code;
    this.advice = advice;
  }

  /** Exception types and their codes, most specific first. */
  private static final List<Map.Entry<Class<? extends Throwable>, ExitCode>> BY_TYPE = List.of(
      Map.entry(CliException.class, USAGE), // refined by CliException.exitCode()
      Map.entry(ParameterException.class, USAGE),
      Map.entry(RepositoryLockedException.class, BUSY),
      Map.entry(HandedToDaemonException.class, BUSY),
      Map.entry(NotARepositoryException.class, REPOSITORY),
      Map.entry(RepositoryExistsException.class, REPOSITORY),
      Map.entry(ObjectException.class, VERIFICATION),
      Map.entry(DamagedDatabaseException.class, VERIFICATION),
      Map.entry(GeneralSecurityException.class, VERIFICATION),
      Map.entry(org.casfs.sync.ClockBehindException.class, REJECTED),
      Map.entry(FileSystemException.class, IO),
      Map.entry(java.net.SocketTimeoutException.class, IO), // an InterruptedIOException, but no signal's
      Map.entry(java.io.InterruptedIOException.class, INTERRUPTED),
      Map.entry(java.io.IOException.class, IO),
      Map.entry(java.io.UncheckedIOException.class, IO),
      Map.entry(IllegalArgumentException.class, USAGE));

  public int code() {
    return code;
  }

  /** What to do, when a failure's message does not already say. */
  public String advice() {
    return advice;
  }

  /** The code for a failure. */
  public static ExitCode of(Throwable t) {
    if (t instanceof CliException c) {
      return c.exitCode();
    }
    if (t instanceof VersionException v) {
      return switch (v.reason()) {
        case UNKNOWN, AMBIGUOUS, NO_PARENT -> USAGE;
        case NO_PREVIOUS -> REJECTED;
        case INCOMPLETE -> VERIFICATION;
      };
    }
    for (Map.Entry<Class<? extends Throwable>, ExitCode> e : BY_TYPE) {
      if (e.getKey().isInstance(t)) {
        return e.getValue();
      }
    }
    return INTERNAL;
  }
}
