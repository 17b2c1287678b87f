package org.casfs.cas.posix;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A process's {@code /proc/PID/cmdline}: its arguments as the bytes it was given. Stateless. */
public final class Cmdline {
  private Cmdline() {}

  /** The NUL-terminated strings of a {@code cmdline} file (a last one without its NUL too). */
  public static List<byte[]> split(byte[] cmdline) {
    List<byte[]> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < cmdline.length; i++) {
      if (cmdline[i] == 0) {
        out.add(Arrays.copyOfRange(cmdline, start, i));
        start = i + 1;
      }
    }
    if (start < cmdline.length) {
      out.add(Arrays.copyOfRange(cmdline, start, cmdline.length));
    }
    return out;
  }
}
