package org.casfs.cas.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.casfs.cas.posix.Cmdline;

/**
 * Names the process that holds a repository's lock as its user would know it: {@code casfs import
 * /srv/image} rather than a bare pid, read from Linux's {@code /proc/PID/cmdline}. A user told
 * "in use by process 4711" cannot tell a mount that runs for days from a {@code casfs log} that
 * ends in a moment. A JVM is named by its main class, or by the name its program registered
 * ({@link Repository#nameProgram}: the command line registers {@code casfs}). Thread-safe.
 */
final class LockHolderDescription {
  private static final int MAX_CHARS = 100;
  private static final Map<String, String> PROGRAMS = new ConcurrentHashMap<>();

  private LockHolderDescription() {}

  /** A JVM whose main class is {@code mainClass} is shown as {@code name}. */
  static void nameProgram(String mainClass, String name) {
    PROGRAMS.put(mainClass, name);
  }

  /** The command process {@code pid} runs, as {@link #commandOrNull} shows it, or null if unknown. */
  static String commandOfOrNull(String pid) {
    if (pid.isEmpty() || !pid.chars().allMatch(Character::isDigit)) {
      return null;
    }
    try {
      return commandOrNull(split(Files.readAllBytes(Path.of("/proc", pid, "cmdline"))));
    } catch (IOException | SecurityException e) {
      return null; // gone meanwhile, or another user's and hidden
    }
  }

  /** The program and its arguments as a person would type them, shortened, or null if empty. */
  static String commandOrNull(List<String> argv) {
    if (argv.isEmpty()) {
      return null;
    }
    List<String> shown;
    if (argv.get(0).endsWith("/java") || argv.get(0).equals("java")) {
      shown = javaMainAndArguments(argv);
    } else {
      shown = new ArrayList<>(argv);
      shown.set(0, Path.of(argv.get(0)).getFileName().toString());
    }
    String s = String.join(" ", shown);
    return s.length() <= MAX_CHARS ? s : s.substring(0, MAX_CHARS - 3) + "...";
  }

  /** A JVM's program name (or its main class's simple name) and what follows; its own options left out. */
  private static List<String> javaMainAndArguments(List<String> argv) {
    for (int i = 1; i < argv.size(); i++) {
      String a = argv.get(i);
      if (a.equals("-cp") || a.equals("-classpath") || a.equals("--class-path") || a.equals("-jar")) {
        i++;
      } else if (!a.startsWith("-")) {
        List<String> shown = new ArrayList<>();
        shown.add(PROGRAMS.getOrDefault(a, a.substring(a.lastIndexOf('.') + 1)));
        shown.addAll(argv.subList(i + 1, argv.size()));
        return shown;
      }
    }
    return new ArrayList<>(List.of("java"));
  }

  private static List<String> split(byte[] cmdline) {
    List<String> argv = new ArrayList<>();
    for (byte[] arg : Cmdline.split(cmdline)) {
      argv.add(new String(arg, StandardCharsets.UTF_8));
    }
    return argv;
  }
}
