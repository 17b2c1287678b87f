package org.casfs.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Progress bars (issue 2): import, checkout, fsck and gc on a terminal draw one on stderr, whether
 * they run in their own JVM or a running {@code casfs serve} runs them for the client (the bar
 * then comes through the control socket to the client's terminal, not into the daemon's log);
 * with no terminal they draw nothing. The terminal is a real pseudo-terminal from {@code script}
 * (util-linux), which copies what the command wrote on it to its own stdout.
 */
class ProgressBarTest {
  /** An option no JVM accepts: a command that started one would fail. */
  private static final String NO_JVM = "-XX:+CasfsNoSuchOption";

  @TempDir Path tmp;

  @Test
  void longCommandsDrawABarOnATerminalStandaloneAndServedAndNoneWithout() throws Exception {
    Path repo = tmp.resolve("repo");
    CliRunner cli = CliRunner.forRepo(repo);
    assertThat(cli.run("init").code()).isZero();

    String standalone = run(true, repo, List.of(), "import", tree("one").toString(), "--label", "one");
    assertThat(standalone).contains("imported ").containsPattern("import +100% \\[=+\\] .* entries");

    String quiet = run(false, repo, List.of(), "import", tree("two").toString(), "--label", "two");
    assertThat(quiet).contains("imported ").doesNotContain("%").doesNotContain("\r");

    assertThat(run(true, repo, List.of(), "checkout", "one", tmp.resolve("out").toString()))
        .containsPattern("checkout +100% \\[=+\\] .* entries");
    assertThat(run(true, repo, List.of(), "fsck")).containsPattern("fsck +100% \\[=+\\]");
    assertThat(run(true, repo, List.of(), "gc")).containsPattern("gc +100% \\[=+\\]");
    assertThat(run(false, repo, List.of(), "fsck")).doesNotContain("%").doesNotContain("\r");

    Path log = tmp.resolve("serve.log");
    ServeProcess serve = ServeProcess.start(repo, log);
    try {
      String served = run(true, repo, List.of("JAVA_OPTS=" + NO_JVM), "import", tree("three").toString(),
          "--label", "three");
      assertThat(served).contains("imported ").containsPattern("import +100% \\[=+\\] .* entries");
      assertThat(run(true, repo, List.of("JAVA_OPTS=" + NO_JVM), "fsck")).containsPattern("fsck +100% \\[=+\\]");
    } finally {
      serve.stop();
    }
    assertThat(Files.readString(log)).doesNotContain("%");
  }

  private Path tree(String name) throws Exception {
    Path dir = TestTreeFiles.write(tmp.resolve(name), name.length());
    for (int i = 0; i < 200; i++) {
      Files.write(dir.resolve("bin/f" + i), new byte[20_000 + i]);
    }
    return dir;
  }

  /** The command's stdout and stderr together, run on a pseudo-terminal or with none. */
  private String run(boolean terminal, Path repo, List<String> env, String... args) throws Exception {
    StringBuilder line = new StringBuilder("exec env");
    for (String e : env) {
      line.append(' ').append(quote(e));
    }
    line.append(' ').append(quote(Path.of(System.getProperty("user.dir"), "casfs").toString()));
    for (String a : args) {
      line.append(' ').append(quote(a));
    }
    List<String> cmd = terminal ? List.of("script", "-qefc", line.toString(), "/dev/null")
        : List.of("bash", "-c", line + " 2>&1");
    Path out = tmp.resolve("out.txt");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().put("CASFS_REPO", repo.toString());
    pb.environment().put("CASFS_CLASSPATH", System.getProperty("java.class.path"));
    pb.environment().remove("JAVA_OPTS");
    Process p = pb.start();
    try {
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        throw new AssertionError(line + " did not finish in 120 s");
      }
    } finally {
      p.destroyForcibly();
    }
    String text = Files.readString(out, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(text).isZero();
    return text;
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
