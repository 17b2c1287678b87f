package org.casfs.fs;

import java.nio.file.Path;

/**
 * A mount in a child JVM, for signal tests: imports {@code args[0]} into a repository under
 * {@code args[1]}, mounts it at {@code args[2]}, prints MOUNTED and serves until a signal.
 */
public final class ChildMount {
  private ChildMount() {}

  public static void main(String[] args) throws Exception {
    MountedRepo m = new MountedRepo(Path.of(args[1]), Path.of(args[2]));
    m.mount(m.importDir(Path.of(args[0])), MountOptions.defaults());
    System.out.println("MOUNTED");
    System.out.flush();
    m.mount.awaitUnmounted();
  }
}
