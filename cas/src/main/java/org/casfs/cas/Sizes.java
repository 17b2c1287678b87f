package org.casfs.cas;

import java.util.Locale;

/** Byte counts as people read them in messages: {@code 512 B}, {@code 1.5 KiB}, {@code 110.4 MiB}. */
public final class Sizes {
  private Sizes() {}

  public static String bytes(long n) {
    if (Math.abs(n) < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    double v = n;
    int u = -1;
    while (Math.abs(v) >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
