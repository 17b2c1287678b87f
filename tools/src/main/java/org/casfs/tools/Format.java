package org.casfs.tools;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.casfs.cas.Entry;
import org.casfs.cas.EntryType;
import org.casfs.cas.Name;

/** How the CLI prints modes, times, sizes and names. Stateless and thread-safe. */
public final class Format {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

  private Format() {}

  /** {@code ls -l}'s mode string, e.g. {@code -rwsr-xr-x}. */
  public static String mode(EntryType type, int mode) {
    char t = switch (type) {
      case REGULAR -> '-';
      case DIRECTORY -> 'd';
      case SYMLINK -> 'l';
      case CHAR_DEVICE -> 'c';
      case BLOCK_DEVICE -> 'b';
      case FIFO -> 'p';
      case SOCKET -> 's';
    };
    StringBuilder sb = new StringBuilder().append(t);
    String rwx = "rwxrwxrwx";
    for (int i = 0; i < 9; i++) {
      sb.append((mode & (1 << (8 - i))) != 0 ? rwx.charAt(i) : '-');
    }
    special(sb, 3, (mode & 04000) != 0, 's', 'S');
    special(sb, 6, (mode & 02000) != 0, 's', 'S');
    special(sb, 9, (mode & 01000) != 0, 't', 'T');
    return sb.toString();
  }

  private static void special(StringBuilder sb, int at, boolean set, char withX, char withoutX) {
    if (set) {
      sb.setCharAt(at, sb.charAt(at) == '-' ? withoutX : withX);
    }
  }

  /** UTC time of a nanosecond timestamp, to the second. */
  public static String time(long epochNanos) {
    return TIME.format(Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L)));
  }

  public static String timeMillis(long epochMillis) {
    return TIME.format(Instant.ofEpochMilli(epochMillis));
  }

  /** Seconds with millisecond precision: {@code 1.234 s}. */
  public static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.3f s", nanos / 1e9);
  }

  /** The size column: bytes, or "major, minor" for devices. */
  public static String sizeColumn(Entry e) {
    if (e.type().isDevice()) {
      long rdev = e.rdev();
      long major = ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
      long minor = (rdev & 0xff) | ((rdev >>> 12) & ~0xffL);
      return major + ", " + minor;
    }
    return Long.toString(e.size());
  }

  /** One {@code ls -l} line of an entry (numeric owners: the image's users are not this machine's). */
  public static String lsLine(Entry e, int links, String displayName) {
    StringBuilder sb = new StringBuilder();
    sb.append(mode(e.type(), e.meta().mode()))
        .append(String.format(Locale.ROOT, " %3d %5d %5d %10s ", links,
            e.meta().uid(), e.meta().gid(), sizeColumn(e)))
        .append(time(e.meta().mtimeNanos())).append(' ').append(unambiguous(displayName));
    if (e.type() == EntryType.SYMLINK) {
      sb.append(" -> ").append(unambiguous(Name.printable(e.target())));
    }
    return sb.toString();
  }

  /**
   * A printable name as one field of a listing line, where it is the last thing but for a
   * symlink's " -> TARGET": spaces at its ends (invisible there) and an arrow inside it (a link
   * {@code a -> b} to {@code c} and a link {@code a} to {@code b -> c} would print alike) are
   * escaped as bytes, as {@link Name#printable} escapes a backslash, so no two entries list alike.
   */
  static String unambiguous(String printableName) {
    String s = printableName.replace(" -> ", " -\\x3e ");
    int start = 0;
    int end = s.length();
    while (start < end && s.charAt(start) == ' ') {
      start++;
    }
    while (end > start && s.charAt(end - 1) == ' ') {
      end--;
    }
    if (start == 0 && end == s.length()) {
      return s;
    }
    return "\\x20".repeat(start) + s.substring(start, end) + "\\x20".repeat(s.length() - end);
  }
}
