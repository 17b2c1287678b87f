package org.casfs.cas.store;

import java.nio.file.Path;

/** A child process for {@link RepositoryTest}: opens a repository, says so, holds it until stdin closes. */
public final class LockHolder {
  private LockHolder() {}

  public static void main(String[] args) throws Exception {
    try (Repository repo = Repository.open(Path.of(args[0]))) {
      System.out.println("open " + ProcessHandle.current().pid());
      System.out.flush();
      while (System.in.read() >= 0) {
        // hold the lock until the parent closes our stdin
      }
    }
  }
}
