package org.casfs.tools;

import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Turns every failure into one line on stderr, {@code casfs: <what failed>; <what to do>}, and
 * its {@link ExitCode}. A stack trace follows only when {@code CASFS_DEBUG=1}. Thread-safe.
 */
public final class ErrorReporter implements IExecutionExceptionHandler, IParameterExceptionHandler {
  private final boolean debug;

  ErrorReporter(boolean debug) {
    this.debug = debug;
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
    return report(ex, cmd.getErr());
  }

  @Override
  public int handleParseException(ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    if (ex instanceof picocli.CommandLine.MissingParameterException && !cmd.getUnmatchedArguments().isEmpty()) {
      // 'import --bogus' said only that DIR is missing: picocli checks that before it refuses what
      // it did not know, which is the mistake to tell first (DIR may be missing for its sake).
      ex = new picocli.CommandLine.UnmatchedArgumentException(cmd, cmd.getUnmatchedArguments());
    }
    String where = cmd.getCommandSpec().qualifiedName();
    String hint = "";
    if (ex instanceof picocli.CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
      hint = " (did you mean " + String.join(" or ", u.getSuggestions()) + "?)";
    }
    String line = oneLine(ex.getMessage()) + hint + "; see '" + where + " --help'";
    PrintWriter err = cmd.getErr();
    err.println("casfs: " + printable(line));
    if (debug) {
      ex.printStackTrace(err);
    }
    err.flush();
    return ExitCode.USAGE.code();
  }

  /** Prints the one line for {@code t} and returns its exit code. */
  int report(Throwable t, PrintWriter err) {
    ExitCode code = ExitCode.of(t);
    if (t instanceof HandedToDaemonException) {
      return code.code(); // the command runs in the daemon next; nothing went wrong
    }
    if (isBrokenPipe(t) && !debug) {
      // The reader went away ('casfs cat ... | head'): not our failure, nothing to say.
      return isStandardOutput(t) ? ExitCode.BROKEN_PIPE.code() : code.code();
    }
    err.println("casfs: " + printable(describe(t, code)));
    if (debug) {
      t.printStackTrace(err);
    }
    err.flush();
    return code.code();
  }

  /**
   * {@code code}, or the failure to write standard output that a command which otherwise succeeded
   * met (the {@link java.io.PrintWriter} it wrote through swallowed it), reported as any failure:
   * exit 5 and one line, or 141 and nothing for a pipe whose reader went away.
   */
  int outputChecked(int code, StandardOutput stdout, PrintWriter err) {
    StandardOutput.Failure failed = stdout.failureOrNull();
    return code == ExitCode.OK.code() && failed != null ? report(failed, err) : code;
  }

  private static boolean isStandardOutput(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof StandardOutput.Failure) {
        return true;
      }
    }
    return false;
  }

  private static boolean isBrokenPipe(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof java.io.IOException && "Broken pipe".equals(c.getMessage())) {
        return true;
      }
    }
    return false;
  }

  /** "what failed; what to do", on one line. */
  public static String describe(Throwable t, ExitCode code) {
    String what = whatFailed(t);
    if (what.contains("; ")) {
      return what;
    }
    if (t instanceof org.casfs.txn.VersionException) {
      return what + "; see 'casfs log' for the versions there are";
    }
    if (org.casfs.cas.posix.DiskFull.is(t)) {
      return what + "; " + DISK_FULL_ADVICE;
    }
    if (isReadOnlyFileSystem(t)) {
      return what + "; " + READ_ONLY_ADVICE;
    }
    return what + "; " + code.advice();
  }

  /** What to do when a disk filled up: the repository's, or the one a command writes to. */
  static final String DISK_FULL_ADVICE = "the disk is full: free space on it (on the repository's disk,"
      + " 'casfs gc' removes the versions nothing keeps) and run the command again";

  /** What to do when the repository, or the directory a command writes to, is mounted read-only. */
  static final String READ_ONLY_ADVICE = "that filesystem is mounted read-only: a repository there can be read"
      + " (log, ls, cat, diff, fsck, checkout, mount) but not changed; remount it read-write (mount -o remount,rw;"
      + " if the kernel remounted it after disk errors, see dmesg and check the disk first)";

  private static boolean isReadOnlyFileSystem(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof org.casfs.cas.store.ReadOnlyRepositoryException
          || (c.getMessage() != null && c.getMessage().contains("Read-only file system"))) {
        return true;
      }
    }
    return false;
  }

  private static String whatFailed(Throwable t) {
    if (t instanceof java.io.UncheckedIOException && t.getCause() != null) {
      t = t.getCause();
    }
    String msg = t.getMessage();
    if (t instanceof InvalidPathException p && p.getInput() != null) {
      return UnspellablePath.describe(p.getInput());
    }
    if (t instanceof FileSystemException f) {
      String file = f.getFile() == null ? "" : f.getFile();
      String other = f.getOtherFile() == null ? "" : " -> " + f.getOtherFile();
      String reason = f.getReason();
      String kind;
      if (t instanceof NoSuchFileException) {
        kind = "no such file or directory";
      } else if (t instanceof AccessDeniedException) {
        kind = "permission denied";
      } else if (t instanceof NotDirectoryException) {
        kind = "not a directory";
      } else if (t instanceof DirectoryNotEmptyException) {
        kind = "directory not empty";
      } else if (t instanceof FileAlreadyExistsException) {
        kind = "already exists";
      } else {
        kind = reason == null ? "file system error" : reason;
        reason = null;
      }
      return oneLine(kind + ": " + file + other + (reason == null ? "" : " (" + reason + ")"));
    }
    if (msg == null || msg.isBlank()) {
      msg = t.getClass().getSimpleName();
    } else if (ExitCode.of(t) == ExitCode.INTERNAL) {
      msg = "internal error: " + t.getClass().getSimpleName() + ": " + msg;
    }
    return oneLine(msg);
  }

  /**
   * {@code line} as a terminal may show it: a byte that is not UTF-8 in an argument (the
   * {@link org.casfs.cas.Utf8b} escape it arrives as) printed {@code \xff}, as every path is
   * ({@link org.casfs.cas.Name#printable}), where the UTF-8 writer printed '?'; control
   * characters likewise. What is printable already, '\' too, stays.
   */
  static String printable(String line) {
    StringBuilder sb = new StringBuilder(line.length());
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < line.length() && Character.isLowSurrogate(line.charAt(i + 1))) {
        sb.append(c).append(line.charAt(++i));
      } else if (c >= 0xdc80 && c <= 0xdcff) {
        sb.append(String.format("\\x%02x", c & 0xff));
      } else if (Character.isSurrogate(c)) {
        sb.append('\ufffd');
      } else if (c < 0x20 || c == 0x7f) {
        sb.append(String.format("\\x%02x", (int) c));
      } else if (c >= 0x80 && c < 0xa0) {
        sb.append(String.format("\\xc2\\x%02x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  static String oneLine(String s) {
    return s == null ? "" : s.strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
  }
}
