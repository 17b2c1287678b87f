package org.casfs.cas;

import java.io.ByteArrayOutputStream;

/**
 * Strings that stand for any bytes, as Linux paths and command-line arguments are: UTF-8 where the
 * bytes are UTF-8, and each byte that is not part of a well-formed UTF-8 sequence as the lone
 * surrogate {@code U+DC80 + (byte - 0x80)} (the scheme Markus Kuhn called UTF-8b; Python's
 * "surrogateescape"). Decoding then encoding gives back every byte, so a name such as {@code
 * caf\xe9} (Latin-1) survives the command line, the control socket and the lookup in a version.
 *
 * <p>For bytes that are UTF-8, {@link #decode} equals {@code new String(bytes, UTF_8)}, and for
 * strings without lone surrogates {@link #encode} equals {@code getBytes(UTF_8)}. Well-formed
 * UTF-8 never decodes to a lone surrogate, so the two cannot be confused. Stateless.
 */
public final class Utf8b {
  private static final int ESCAPE_BASE = 0xDC00;

  private Utf8b() {}

  /** The string for these bytes. */
  public static String decode(byte[] bytes) {
    StringBuilder sb = new StringBuilder(bytes.length);
    int i = 0;
    while (i < bytes.length) {
      int b = bytes[i] & 0xff;
      if (b < 0x80) {
        sb.append((char) b);
        i++;
        continue;
      }
      int n = sequenceLength(bytes, i);
      if (n == 0) {
        sb.append((char) (ESCAPE_BASE | b));
        i++;
        continue;
      }
      int cp = b & (0xff >> (n + 1));
      for (int k = 1; k < n; k++) {
        cp = cp << 6 | (bytes[i + k] & 0x3f);
      }
      sb.appendCodePoint(cp);
      i += n;
    }
    return sb.toString();
  }

  /**
   * The bytes this string stands for.
   *
   * @throws IllegalArgumentException for a lone surrogate that {@link #decode} cannot have made
   */
  public static byte[] encode(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        out.write(c);
      } else if (c >= ESCAPE_BASE + 0x80 && c <= ESCAPE_BASE + 0xff) {
        out.write(c & 0xff);
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        writeUtf8(out, Character.toCodePoint(c, s.charAt(++i)));
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException("a lone surrogate U+" + Integer.toHexString(c).toUpperCase()
            + " at index " + i + " stands for no byte");
      } else {
        writeUtf8(out, c);
      }
    }
    return out.toByteArray();
  }

  /** True when {@code s} holds a byte that is not UTF-8 (an escape {@link #decode} made). */
  public static boolean hasEscapedBytes(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++; // a letter beyond U+FFFF, whose second half may look like an escape
      } else if (c >= ESCAPE_BASE + 0x80 && c <= ESCAPE_BASE + 0xff) {
        return true;
      }
    }
    return false;
  }

  /** The length of the well-formed UTF-8 sequence starting at {@code i} (lead byte >= 0x80), or 0. */
  private static int sequenceLength(byte[] b, int i) {
    int lead = b[i] & 0xff;
    int n;
    int min;
    int max;
    if (lead >= 0xc2 && lead <= 0xdf) {
      n = 2;
      min = 0x80;
      max = 0x7ff;
    } else if (lead >= 0xe0 && lead <= 0xef) {
      n = 3;
      min = 0x800;
      max = 0xffff;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      n = 4;
      min = 0x10000;
      max = 0x10ffff;
    } else {
      return 0;
    }
    if (i + n > b.length) {
      return 0;
    }
    int cp = lead & (0xff >> (n + 1));
    for (int k = 1; k < n; k++) {
      int cont = b[i + k] & 0xff;
      if ((cont & 0xc0) != 0x80) {
        return 0;
      }
      cp = cp << 6 | (cont & 0x3f);
    }
    boolean surrogate = cp >= 0xd800 && cp <= 0xdfff;
    return cp < min || cp > max || surrogate ? 0 : n;
  }

  private static void writeUtf8(ByteArrayOutputStream out, int cp) {
    if (cp < 0x800) {
      out.write(0xc0 | cp >> 6);
    } else if (cp < 0x10000) {
      out.write(0xe0 | cp >> 12);
      out.write(0x80 | (cp >> 6 & 0x3f));
    } else {
      out.write(0xf0 | cp >> 18);
      out.write(0x80 | (cp >> 12 & 0x3f));
      out.write(0x80 | (cp >> 6 & 0x3f));
    }
    out.write(0x80 | (cp & 0x3f));
  }
}
