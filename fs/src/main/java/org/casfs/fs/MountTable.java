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
