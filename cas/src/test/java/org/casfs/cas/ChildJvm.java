package org.casfs.cas;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Test support: a class's {@code main} in a child JVM with this JVM's class path, for tests that
 * kill a process at a chosen or random moment (SIGKILL, as a power cut stops it).
 */
public final class ChildJvm {
  private ChildJvm() {}

  /** A process builder that runs {@code main} with {@code args} in a new JVM. */
  public static ProcessBuilder of(Class<?> main, String... args) {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command);
  }

  /**
   * Starts {@code pb} (its error stream joined to its output) and returns once it printed the line
   * {@code ready}; what it prints after that is read and dropped, so that it never blocks on a full
   * pipe. A child that ends first fails with everything it printed.
   */
  public static Process startAndAwait(ProcessBuilder pb, String ready) throws IOException {
    Process p = pb.redirectErrorStream(true).start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()));
    StringBuilder seen = new StringBuilder();
    String line;
    while ((line = out.readLine()) != null && !line.equals(ready)) {
      seen.append(line).append('\n');
    }
    if (line == null) {
      p.destroyForcibly();
      throw new AssertionError("the child ended before it printed '" + ready + "': " + seen);
    }
    Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "child-output");
    drain.setDaemon(true);
    drain.start();
    return p;
  }
}
