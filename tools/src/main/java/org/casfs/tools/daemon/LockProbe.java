package org.casfs.tools.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Whether some process holds a file lock on a file, read from Linux's {@code /proc/locks}
 * without taking the lock (taking it, even briefly, could make a daemon that starts at that
 * moment fail with "repository in use"). Stateless and thread-safe.
 */
final class LockProbe {
  private LockProbe() {}

  /** True if {@code /proc/locks} lists a lock on {@code file}; false if not, or if it cannot tell. */
  static boolean isLocked(Path file) {
    long ino;
    long dev;
    try {
      ino = ((Number) Files.getAttribute(file, "unix:ino", LinkOption.NOFOLLOW_LINKS)).longValue();
      dev = ((Number) Files.getAttribute(file, "unix:dev", LinkOption.NOFOLLOW_LINKS)).longValue();
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return false;
    }
    // Linux's dev_t encoding (glibc gnu_dev_major/gnu_dev_minor).
    long major = ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
    long minor = (dev & 0xff) | ((dev >>> 12) & ~0xffL);
    // Built by hand: every command probes this before it starts, and String.format's first call
    // (Formatter, its regex, the locale) cost ~15 ms of that start.
    String wanted = " " + hex2(major) + ":" + hex2(minor) + ":" + ino + " ";
    try {
      for (String line : Files.readAllLines(Path.of("/proc/locks"))) {
        // "1: POSIX  ADVISORY  WRITE 4711 00:2d:123456 0 EOF" (waiters carry "->" before the type)
        if ((" " + line + " ").contains(wanted)) {
          return true;
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }

  /** {@code n} in lower-case hex, at least two digits (printf's {@code %02x}). */
  static String hex2(long n) {
    String hex = Long.toHexString(n);
    return hex.length() < 2 ? "0" + hex : hex;
  }
}
