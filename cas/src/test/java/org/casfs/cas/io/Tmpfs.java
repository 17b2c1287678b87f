package org.casfs.cas.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real tmpfs mounted for a test (a small disk that fills, another file system inside a tree),
 * or a ramfs (a filesystem that keeps no extended attributes); {@link #close} unmounts it. Needs
 * root.
 */
public final class Tmpfs implements AutoCloseable {
  private final Path dir;

  private Tmpfs(Path dir) {
    this.dir = dir;
  }

  /** Mounts a tmpfs with {@code options} (e.g. {@code size=2m}) at {@code dir}, made if absent. */
  public static Tmpfs mount(Path dir, String options) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    run("mount", "-t", "tmpfs", "-o", options, "casfs-test", dir.toString());
    return new Tmpfs(dir);
  }

  /** Mounts a ramfs at {@code dir}, made if absent: it answers every xattr call with EOPNOTSUPP. */
  public static Tmpfs ramfs(Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    run("mount", "-t", "ramfs", "casfs-test", dir.toString());
    return new Tmpfs(dir);
  }

  public Path dir() {
    return dir;
  }

  /** Remounts it with {@code options}: {@code ro} as the kernel does after disk errors, {@code rw} back. */
  public void remount(String options) throws IOException, InterruptedException {
    run("mount", "-o", "remount," + options, dir.toString());
  }

  /**
   * Unmounts it; if something in this process still holds a file there (a test that failed half
   * way), detaches it at once (umount -l), and the kernel frees it when the file is closed.
   */
  @Override
  public void close() throws IOException, InterruptedException {
    if (!isMountPoint(dir)) {
      return; // detached already (a test that pulls a stick out)
    }
    try {
      run("umount", dir.toString());
    } catch (IOException busy) {
      run("umount", "-l", dir.toString());
    }
  }

  /** Whether a filesystem is mounted at {@code dir} (util-linux mountpoint). */
  public static boolean isMountPoint(Path dir) throws IOException, InterruptedException {
    return new ProcessBuilder("mountpoint", "-q", dir.toString()).start().waitFor() == 0;
  }

  /**
   * Runs a system command (mount, losetup, mkfs) and returns what it printed; a failure is an
   * IOException that carries it.
   */
  public static String run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", command) + " failed with exit " + p.exitValue() + ": " + out.trim());
    }
    return out;
  }
}
