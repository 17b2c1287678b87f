package org.casfs.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the launcher {@code tools/casfs}, or a shell line that runs it, as a user would, on the
 * classes under test: no input, none of the caller's debug or JVM options, both outputs kept in
 * files (a pipe's reader could make a command block or see a closed pipe). Waits up to 120 s and
 * always ends the process.
 */
final class LauncherProcess {
  /** The launcher of this checkout. */
  static final Path LAUNCHER = Path.of(System.getProperty("user.dir"), "casfs");

  /** What a run gave: its exit code, its standard output's bytes and its standard error. */
  record Output(int code, byte[] out, String err) {
    String outText() {
      return new String(out, StandardCharsets.UTF_8);
    }
  }

  private LauncherProcess() {}

  /**
   * Runs {@code pb} (its command, directory and any environment the caller set), with {@code env}
   * put last, its outputs in new files under {@code scratch}; {@code what} names it in a timeout.
   */
  static Output run(ProcessBuilder pb, Path scratch, Map<String, String> env, String what)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile(scratch, "out", ".txt");
    Path err = Files.createTempFile(scratch, "err", ".txt");
    pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().put("CASFS_CLASSPATH", System.getProperty("java.class.path"));
    pb.environment().remove("CASFS_DEBUG");
    pb.environment().remove("JAVA_OPTS");
    pb.environment().putAll(env);
    Process p = pb.start();
    try {
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s finished", what).isTrue();
    } finally {
      p.destroyForcibly();
    }
    return new Output(p.exitValue(), Files.readAllBytes(out), Files.readString(err, StandardCharsets.UTF_8));
  }
}
