package org.casfs.cas;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A fixed pool of named daemon threads, for work that must never keep the JVM alive (fsck's
 * checkers, the origin's delta workers, the puller's parallel GETs). Shut it down when done.
 */
public final class DaemonPool {
  private DaemonPool() {}

  public static ExecutorService fixed(int threads, String name) {
    return Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    });
  }
}
