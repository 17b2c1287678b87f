package org.casfs.cas.posix;

/**
 * Whether a failure is a disk refusing a write for want of room: ENOSPC, EDQUOT (a quota) or
 * EFBIG, as libc ({@link PosixException}), the JDK ("No space left on device") and RocksDB
 * ("IOError(NoSpace)") each report it. One rule for every layer that answers it: the command line
 * (what to do), the writable mount (the errno a program gets), a transaction (free what deleted
 * files hold, then retry). Stateless.
 */
public final class DiskFull {
  public static final int ENOSPC = 28;
  public static final int EFBIG = 27;
  public static final int EDQUOT = 122;

  private DiskFull() {}

  /** ENOSPC, EDQUOT or EFBIG for such a failure anywhere in {@code t}'s causes, else 0. */
  public static int errnoOrZero(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof PosixException p && (p.errno() == ENOSPC || p.errno() == EDQUOT || p.errno() == EFBIG)) {
        return p.errno();
      }
      String m = c.getMessage();
      if (m == null) {
        continue;
      }
      if (m.contains("No space left on device") || m.contains("IOError(NoSpace)")) {
        return ENOSPC;
      }
      if (m.contains("Disk quota exceeded")) {
        return EDQUOT;
      }
      if (m.contains("File too large")) {
        return EFBIG;
      }
    }
    return 0;
  }

  /** True if {@code t} says the disk has no room left (ENOSPC or EDQUOT). */
  public static boolean is(Throwable t) {
    int errno = errnoOrZero(t);
    return errno == ENOSPC || errno == EDQUOT;
  }
}
