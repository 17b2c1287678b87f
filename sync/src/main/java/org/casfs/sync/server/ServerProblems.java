package org.casfs.sync.server;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.casfs.cas.ObjectException;
import org.casfs.cas.store.DamagedDatabaseException;

/**
 * The requests a server could not answer because of this machine, not the client or the network:
 * an object damaged or missing in the repository, a damaged database, a bug. The client only sees
 * its connection drop, so the server's owner must hear of it: one line each, once per distinct
 * problem (a damaged object asked for by every laptop of a school is one line), at most
 * {@value #MAX_LINES} lines. A client that went away is not reported. Thread-safe.
 */
final class ServerProblems {
  static final int MAX_LINES = 1000;

  private final Set<String> reported = ConcurrentHashMap.newKeySet();
  private volatile Consumer<String> log = line -> {};

  void logTo(Consumer<String> log) {
    this.log = log;
  }

  /** Reports {@code e}, met answering {@code request}, if it is this machine's problem. */
  void failed(String request, Exception e) {
    String line;
    if (e instanceof ObjectException || e instanceof DamagedDatabaseException) {
      line = "could not answer " + request + ": " + e.getMessage()
          + (e.getMessage().contains("; ") ? "" : "; run 'casfs fsck' on this repository");
    } else if (e instanceof RuntimeException) {
      line = "could not answer " + request + ": " + e + " (a bug in casfs; please report it)";
    } else {
      return; // an IOException: the client went away or the network failed; the client knows, and retries
    }
    if (reported.size() < MAX_LINES && reported.add(line)) {
      log.accept(line);
    }
  }
}
