package org.casfs.tools;

/**
 * A failure a command reports to the user with a chosen exit code. The message is the part
 * after "casfs: "; end it with "; what to do" unless the code's default advice fits.
 */
public class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final ExitCode exitCode;

  public CliException(ExitCode exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public CliException(ExitCode exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** Bad usage or a bad argument (exit 2). */
  public static CliException usage(String message) {
    return new CliException(ExitCode.USAGE, message);
  }

  /** A valid request that was refused (exit 7). */
  public static CliException rejected(String message) {
    return new CliException(ExitCode.REJECTED, message);
  }

  public ExitCode exitCode() {
    return exitCode;
  }
}
