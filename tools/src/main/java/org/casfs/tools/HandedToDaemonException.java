package org.casfs.tools;

/**
 * Ends a command that found its repository taken by a daemon that had just started: nothing was
 * done here, nothing is reported, and {@link Casfs#run} sends the invocation to that daemon.
 */
final class HandedToDaemonException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  HandedToDaemonException() {
    super("handed over to the daemon that holds the repository", null, false, false);
  }
}
