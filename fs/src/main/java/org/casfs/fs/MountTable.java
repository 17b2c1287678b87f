package org.casfs.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What {@code /proc/mounts} says about a directory, and the two ways of taking a FUSE mount
 * away ({@code fusermount -u}, lazily with {@code -z}). Stateless.
 */
public final class MountTable {
  private static final Path PROC_MOUNTS = Path.of("/proc/mounts");

  private MountTable() {}

  /** The filesystem type mounted exactly at {@code dir} (the last one), or null. */
  public static String typeAtOrNull(Path dir) throws IOException {
    String want = dir.toAbsolutePath().normalize().toString();
    String type = null;
    for (String line : Files.readAllLines(PROC_MOUNTS)) {
      String[] f = line.split(" ");
      if (f.length >= 3 && unescape(f[1]).equals(want)) {
        type = f[2];
      }
    }
    return type;
  }

  public static boolean isMounted(Path dir) throws IOException {
    return typeAtOrNull(dir) != null;
  }

  /** /proc/mounts writes space, tab, newline and backslash as octal escapes. */
  static String unescape(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 4 <= s.length()) {
        String oct = s.substring(i + 1, i + 4);
        if (oct.chars().allMatch(d -> d >= '0' && d <= '7')) {
          sb.append((char) Integer.parseInt(oct, 8));
          i += 3;
          continue;
        }
      }
      sb.append(c);
    }
    return sb.toString();
  }

  /**
   * True if {@code dir} is a FUSE mount whose server is gone: the kernel answers "Transport
   * endpoint is not connected" (a casfs process killed with SIGKILL leaves this behind).
   */
  public static boolean isStale(Path dir) throws IOException {
    String type = typeAtOrNull(dir);
    if (type == null || !type.startsWith("fuse")) {
      return false;
    }
    // Listing needs the server (attributes may still be answered from the kernel's cache).
    try (var entries = Files.newDirectoryStream(dir)) {
      entries.iterator().hasNext();
      return false;
    } catch (IOException | java.nio.file.DirectoryIteratorException e) {
      return String.valueOf(e.getMessage()).contains("Transport endpoint is not connected");
    }
  }

  /**
   * Makes sure {@code mp} can be mounted on: a stale mount left there by a killed casfs is cleaned
   * up (and said so to {@code log}); a missing mountpoint, a file, a directory that is not empty
   * (libfuse 2 refuses it with two lines of its own), or a live mount is a {@link MountException}
   * of one line.
   */
  static void prepareMountPoint(Path mp, java.util.function.Consumer<String> log) throws IOException {
    if (isStale(mp)) {
      log.accept("casfs: cleaning up a stale mount at " + mp + " (its process is gone)");
      fusermountUnmount(mp, true);
    } else if (isMounted(mp)) {
      throw new MountException(mp + " is already mounted (" + typeAtOrNull(mp)
          + "); unmount it first with 'casfs umount " + mp + "'");
    }
    if (!Files.exists(mp, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw new MountException("mountpoint " + mp + " does not exist; create an empty directory there");
    }
    if (!Files.isDirectory(mp, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw new MountException("mountpoint " + mp + " is not a directory; give an empty directory");
    }
    try (var entries = Files.newDirectoryStream(mp)) {
      for (Path p : entries) {
        throw new MountException("mountpoint " + mp + " is not empty (it holds " + p.getFileName()
            + "); give an empty directory, so that the mount hides nothing");
      }
    }
  }

  /**
   * Unmounts {@code mp} if it is still mounted: plainly if nothing is busy, else lazily (the kernel
   * detaches it now and drops it when the last open file closes).
   *
   * @return null, or why even the lazy unmount failed
   */
  static MountException unmountOrDetach(Path mp) throws IOException {
    if (!isMounted(mp)) {
      return null;
    }
    try {
      fusermountUnmount(mp, false);
      return null;
    } catch (MountException busy) {
      try {
        fusermountUnmount(mp, true);
        return null;
      } catch (MountException e) {
        return e;
      }
    }
  }

  /** {@code fusermount -u [-z] dir}; a failure carries fusermount's own words. */
  public static void fusermountUnmount(Path dir, boolean lazy) throws IOException {
    List<String> cmd = lazy ? List.of("fusermount", "-u", "-z", dir.toString()) : List.of("fusermount", "-u", dir.toString());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroy();
        throw new MountException("fusermount -u " + dir + " did not finish in 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MountException("interrupted while unmounting " + dir);
    }
    String out = new String(p.getInputStream().readAllBytes()).strip();
    if (p.exitValue() != 0) {
      throw new MountException("cannot unmount " + dir + ": " + (out.isEmpty() ? "fusermount failed" : out));
    }
  }
}
