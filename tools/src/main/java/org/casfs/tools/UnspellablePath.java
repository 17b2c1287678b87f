package org.casfs.tools;

import java.nio.charset.Charset;
import org.casfs.cas.Name;
import org.casfs.cas.Utf8b;

/**
 * What to say about a path on this machine that the JVM cannot open: one with bytes that are not
 * UTF-8 (the JVM spells every path in the locale's charset, UTF-8 under {@code tools/casfs}), or,
 * in a JVM started under the POSIX locale, any letter beyond ASCII. Names inside a version have
 * no such limit ({@link Utf8b}).
 */
public final class UnspellablePath {
  private UnspellablePath() {}

  /** "the path ... cannot be opened because ...; what to do", for the path as typed. */
  public static String describe(String path) {
    String shown = "'" + Name.printable(Utf8b.encode(path)) + "'";
    if (Utf8b.hasEscapedBytes(path)) {
      return "the path " + shown + " is not UTF-8, and casfs opens files on this machine only by UTF-8 paths"
          + " (names inside a version may be any bytes); rename it, or reach it through a symlink whose path is UTF-8";
    }
    return "the path " + shown + " has letters this process's locale cannot spell (its charset is "
        + Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8")).name()
        + "); run casfs through tools/casfs, which starts it with a UTF-8 locale, or set LC_ALL=C.UTF-8";
  }
}
