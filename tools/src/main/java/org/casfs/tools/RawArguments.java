package org.casfs.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.casfs.cas.Utf8b;
import org.casfs.cas.posix.Cmdline;

/**
 * The command's arguments (and environment) as the bytes the shell passed. The JVM decodes {@code main}'s arguments
 * with the locale's charset and replaces whatever does not fit: {@code caf\xe9} (a Latin-1 name)
 * arrives as {@code caf?}, and under the POSIX locale, where cron, systemd and many scripts run,
 * so does every accented letter. Linux keeps the bytes in {@code /proc/self/cmdline}; they are
 * read from there and turned into {@link Utf8b} strings, which the rest of casfs maps back to the
 * same bytes (a name in a version, the control socket). Linux only, as casfs is.
 */
final class RawArguments {
  private static final Path CMDLINE = Path.of("/proc/self/cmdline");
  private static final Path ENVIRON = Path.of("/proc/self/environ");

  private RawArguments() {}

  /**
   * {@code args} with each argument replaced by the {@link Utf8b} string of its bytes; {@code args}
   * as given when this process's command line does not end with them (an argument file, a JVM
   * embedded in another program).
   */
  static String[] of(String[] args) {
    List<byte[]> raw;
    try {
      raw = Cmdline.split(Files.readAllBytes(CMDLINE));
    } catch (IOException | RuntimeException e) {
      return args;
    }
    return matched(args, raw);
  }

  /**
   * {@code env} with each value replaced by the {@link Utf8b} string of its bytes, as for the
   * arguments: the JVM turns a byte that is not UTF-8 into U+FFFD, so {@code CASFS_REPO=$'X\xff'}
   * named another directory ({@code X\xef\xbf\xbd}), which {@code init} made. A variable whose
   * bytes do not match the JVM's value (set after this process started) keeps the JVM's value.
   */
  static Map<String, String> environment(Map<String, String> env) {
    byte[] raw;
    try {
      raw = Files.readAllBytes(ENVIRON);
    } catch (IOException | RuntimeException e) {
      return env;
    }
    return matchedEnvironment(env, Cmdline.split(raw));
  }

  /** {@code env} with the values of {@code raw}'s NAME=VALUE entries where they agree with it. */
  static Map<String, String> matchedEnvironment(Map<String, String> env, List<byte[]> raw) {
    Map<String, String> out = new HashMap<>(env);
    for (byte[] entry : raw) {
      String decoded = Utf8b.decode(entry);
      int eq = decoded.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String name = decoded.substring(0, eq);
      String value = decoded.substring(eq + 1);
      String jvm = env.get(name);
      if (jvm != null && !jvm.equals(value) && agrees(value, jvm)) {
        out.put(name, value);
      }
    }
    return out;
  }

  /** The last {@code args.length} entries of {@code raw}, if they are {@code args} as the JVM decoded them. */
  static String[] matched(String[] args, List<byte[]> raw) {
    if (raw.size() < args.length) {
      return args;
    }
    String[] out = new String[args.length];
    int first = raw.size() - args.length;
    for (int i = 0; i < args.length; i++) {
      String decoded = Utf8b.decode(raw.get(first + i));
      if (!agrees(decoded, args[i])) {
        return args;
      }
      out[i] = decoded;
    }
    return out;
  }

  /**
   * True when {@code arg} is the JVM's decoding of the bytes {@code decoded} stands for: the same,
   * or the same ASCII characters in the same order (the JVM turned the others into U+FFFD or '?').
   */
  private static boolean agrees(String decoded, String arg) {
    return decoded.equals(arg) || asciiSkeleton(decoded).equals(asciiSkeleton(arg));
  }

  private static String asciiSkeleton(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80 && c != '?') {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
