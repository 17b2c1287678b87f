package org.casfs.fs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Which processes keep a mount busy, read from {@code /proc} as {@code fuser -m} does: a working
 * directory, a root, a program, an open file or a mapped file under the mountpoint. Names only
 * the processes this one may look into (all of them, as root). For the one line that says why an
 * unmount failed.
 */
public final class MountUsers {
  private static final Path PROC = Path.of("/proc");

  private MountUsers() {}

  /** "process 4711 (sleep: its working directory), ..." for up to {@code max} processes; empty if none found. */
  public static List<String> of(Path mountPoint, int max) {
    String mp = mountPoint.toString();
    long self = ProcessHandle.current().pid();
    List<String> users = new ArrayList<>();
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(PROC, p -> isPid(p.getFileName().toString()))) {
      for (Path proc : procs) {
        if (users.size() >= max) {
          break;
        }
        if (Long.parseLong(proc.getFileName().toString()) == self) {
          continue;
        }
        String use = useOrNull(proc, mp);
        if (use != null) {
          users.add("process " + proc.getFileName() + " (" + name(proc) + ": " + use + ")");
        }
      }
    } catch (IOException | RuntimeException e) {
      // /proc unreadable: the caller says what it knows without names
    }
    return users;
  }

  /** How the process uses something under {@code mp}, or null. */
  private static String useOrNull(Path proc, String mp) {
    if (under(link(proc.resolve("cwd")), mp)) {
      return "its working directory";
    }
    if (under(link(proc.resolve("root")), mp)) {
      return "its root directory";
    }
    if (under(link(proc.resolve("exe")), mp)) {
      return "its program";
    }
    try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
      for (Path fd : fds) {
        String target = link(fd);
        if (under(target, mp)) {
          return "an open file, " + target;
        }
      }
    } catch (IOException | RuntimeException e) {
      // gone meanwhile, or not ours to look into
    }
    try {
      for (String line : Files.readAllLines(proc.resolve("maps"), StandardCharsets.ISO_8859_1)) {
        int slash = line.indexOf('/');
        if (slash >= 0 && under(line.substring(slash), mp)) {
          return "a mapped file, " + line.substring(slash);
        }
      }
    } catch (IOException | RuntimeException e) {
      // as above
    }
    return null;
  }

  private static boolean under(String path, String mp) {
    return path != null && (path.equals(mp) || path.startsWith(mp.endsWith("/") ? mp : mp + "/"));
  }

  private static String link(Path p) {
    try {
      return Files.readSymbolicLink(p).toString();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static String name(Path proc) {
    try {
      return Files.readString(proc.resolve("comm"), StandardCharsets.UTF_8).strip();
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  private static boolean isPid(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }
}
