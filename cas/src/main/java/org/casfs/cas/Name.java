package org.casfs.cas;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One path component as the kernel sees it: 1 to 255 bytes, not {@code .} or {@code ..}, without
 * {@code /} or NUL. Any other bytes are allowed (names need not be UTF-8). Ordered by unsigned
 * bytes, the order of entries in a tree.
 */
public final class Name implements Comparable<Name> {
  public static final int MAX_LENGTH = 255;

  private final byte[] bytes;

  private Name(byte[] bytes) {
    this.bytes = bytes;
  }

  /** The name with these bytes, or an {@link IllegalArgumentException} saying what is wrong. */
  public static Name of(byte[] bytes) {
    String problem = problemOrNull(bytes);
    if (problem != null) {
      throw new IllegalArgumentException(problem + ": " + printable(bytes));
    }
    return new Name(bytes.clone());
  }

  /** The name a string stands for ({@link Utf8b}: any bytes that are not UTF-8 as its escapes). */
  public static Name of(String name) {
    return of(Utf8b.encode(name));
  }

  /** Why these bytes are not a valid name, or null if they are. */
  public static String problemOrNull(byte[] bytes) {
    if (bytes.length == 0) {
      return "empty name";
    }
    if (bytes.length > MAX_LENGTH) {
      return "name longer than 255 bytes";
    }
    if (bytes.length == 1 && bytes[0] == '.' || bytes.length == 2 && bytes[0] == '.' && bytes[1] == '.') {
      return "name '.' or '..'";
    }
    for (byte b : bytes) {
      if (b == '/') {
        return "name contains '/'";
      }
      if (b == 0) {
        return "name contains NUL";
      }
    }
    return null;
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  public int length() {
    return bytes.length;
  }

  /** The name's byte at {@code index}, without copying the name. */
  byte at(int index) {
    return bytes[index];
  }

  void copyTo(byte[] dst, int offset) {
    System.arraycopy(bytes, 0, dst, offset, bytes.length);
  }

  /** The name as UTF-8, with malformed bytes replaced; for display only. */
  @Override
  public String toString() {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** Escapes control characters and non-UTF-8 bytes so the name fits on one line of an error. */
  public static String printable(byte[] bytes) {
    StringBuilder sb = new StringBuilder();
    String s = new String(bytes, StandardCharsets.UTF_8);
    boolean lossless = Arrays.equals(s.getBytes(StandardCharsets.UTF_8), bytes);
    if (!lossless) {
      for (byte b : bytes) {
        int c = b & 0xff;
        if (c >= 0x20 && c < 0x7f && c != '\\') {
          sb.append((char) c);
        } else {
          sb.append(String.format("\\x%02x", c));
        }
      }
      return sb.toString();
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c == 0x7f || c == '\\') {
        sb.append(String.format("\\x%02x", (int) c));
      } else if (c >= 0x80 && c < 0xa0) {
        // C1 controls (U+009B is a terminal's CSI): their two UTF-8 bytes, as the escapes above
        sb.append(String.format("\\xc2\\x%02x", (int) c));
      } else if (isReordering(c)) {
        // bidirectional overrides and line separators make a name show as another: their bytes
        for (byte b : String.valueOf(c).getBytes(StandardCharsets.UTF_8)) {
          sb.append(String.format("\\x%02x", b & 0xff));
        }
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /**
   * Characters that change how the text around them shows (U+202E turns "exe.txt" into what reads
   * as "txt.exe"), or break a line: bidirectional marks, embeddings, overrides and isolates, and
   * the line and paragraph separators.
   */
  private static boolean isReordering(char c) {
    return c == 0x061c || c == 0x200e || c == 0x200f || c >= 0x202a && c <= 0x202e || c >= 0x2066 && c <= 0x2069
        || c == 0x2028 || c == 0x2029;
  }

  public String printable() {
    return printable(bytes);
  }

  @Override
  public int compareTo(Name o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Name other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }
}
