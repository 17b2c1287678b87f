package org.casfs.tools;

import java.nio.file.Path;
import org.casfs.cas.store.Repository;

/**
 * A second process for tests: opens the repository named by its argument, prints "ready", and
 * holds it until its standard input closes.
 */
public final class HoldRepository {
  private HoldRepository() {}

  public static void main(String[] args) throws Exception {
    try (Repository repo = Repository.open(Path.of(args[0]))) {
      System.out.println("ready " + ProcessHandle.current().pid());
      System.out.flush();
      while (System.in.read() >= 0) {
        // hold until the parent closes our stdin (or destroys us)
      }
    }
  }
}
