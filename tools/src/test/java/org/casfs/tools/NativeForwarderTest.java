package org.casfs.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's native control-socket client ({@code tools/native/casfs-forward.c}): while a
 * daemon owns the repository, commands typed through {@code tools/casfs} run in the daemon
 * without a JVM being started here (the test makes any JVM start fail), with the same output and
 * exit codes as the Java client gives; without a daemon, or with a stale socket left by a killed
 * one, the command runs in a JVM as before.
 */
class NativeForwarderTest {
  /** Any JVM the launcher starts with this fails at once: proof that none was started. */
  private static final String NO_JVM = "-XX:+CasfsNoSuchOption";

  @TempDir Path tmp;

  record Run(int code, String out, String err) {}

  private Run casfs(Path cwd, Map<String, String> env, String... args) throws IOException, InterruptedException {
    List<String> cmd = new java.util.ArrayList<>();
    cmd.add(LauncherProcess.LAUNCHER.toString());
    cmd.addAll(List.of(args));
    LauncherProcess.Output o = LauncherProcess.run(new ProcessBuilder(cmd).directory(cwd.toFile()), tmp, env,
        "casfs " + String.join(" ", args));
    return new Run(o.code(), o.outText(), o.err());
  }


  @Test
  void commandsRunInTheDaemonWithoutAJvmAndAnswerAsTheJavaClientDoes() throws Exception {
    Path repo = tmp.resolve("repo");
    CliRunner cli = CliRunner.forRepo(repo);
    assertThat(cli.run("init").code()).isZero();
    assertThat(cli.run("import", TestTreeFiles.write(tmp.resolve("src"), 3).toString(), "--label", "one",
        "--switch").code()).isZero();
    Path elsewhere = Files.createDirectories(tmp.resolve("a/b"));

    ServeProcess serve = ServeProcess.start(repo, tmp.resolve("serve.log"));
    try {
      Map<String, String> byRepoVar = Map.of("CASFS_REPO", repo.toString());
      List<List<String>> commands = List.of(
          List.of("status"),
          List.of("log"),
          List.of("cat", "one", "etc/hostname"),
          List.of("ls", "--bogus"),                 // bad usage: exit 2, from picocli in the daemon
          List.of("cat", "one", "no/such/file"),    // a failing command: its own exit code and line
          List.of("init"));                          // refused by the daemon: the repository is held
      for (List<String> c : commands) {
        String[] args = c.toArray(String[]::new);
        Run nativeClient = casfs(tmp, with(byRepoVar, "JAVA_OPTS", NO_JVM), args);
        Run javaClient = casfs(tmp, with(byRepoVar, "CASFS_NO_FORWARD", "1"), args);
        String what = "casfs " + String.join(" ", c) + " through the native client";
        assertThat(nativeClient.code()).as(what).isEqualTo(javaClient.code());
        assertThat(nativeClient.err()).as(what).isEqualTo(javaClient.err());
        // (the disk use that 'status' reports may move between two runs)
        assertThat(ControlSocketMountTest.withoutDiskUse(nativeClient.out())).as(what)
            .isEqualTo(ControlSocketMountTest.withoutDiskUse(javaClient.out()));
      }
      assertThat(casfs(tmp, with(byRepoVar, "JAVA_OPTS", NO_JVM), "cat", "one", "etc/hostname").out())
          .isEqualTo("laptop-3\n");
      assertThat(casfs(tmp, with(byRepoVar, "JAVA_OPTS", NO_JVM), "ls", "--bogus").code()).isEqualTo(2);
      assertThat(casfs(tmp, with(byRepoVar, "JAVA_OPTS", NO_JVM), "init").code()).isEqualTo(3);

      // --repo relative to the caller's directory, with "." and ".." in it, wins over the variable
      Run relative = casfs(elsewhere, Map.of("JAVA_OPTS", NO_JVM, "CASFS_REPO", tmp.resolve("nowhere").toString()),
          "log", "--repo=../.././repo");
      assertThat(relative.code()).as(relative.toString()).isZero();
      assertThat(relative.out()).contains("one");
      assertThat(Path.of(System.getProperty("user.dir"), "target", "casfs-forward")).isExecutable();

      // help is answered here, by a JVM, as before
      assertThat(casfs(tmp, with(byRepoVar, "JAVA_OPTS", NO_JVM), "log", "--help").code()).isNotZero();
      assertThat(casfs(tmp, byRepoVar, "log", "--help").out()).contains("Usage:");
    } finally {
      serve.kill(); // SIGKILL: its socket stays, stale
    }

    // Killed: its socket file stays, nobody listens; the command runs here, in a JVM.
    assertThat(repo.resolve("control.sock")).exists();
    Map<String, String> byRepoVar = Map.of("CASFS_REPO", repo.toString());
    assertThat(casfs(tmp, with(byRepoVar, "JAVA_OPTS", NO_JVM), "log").code()).as("a JVM was needed").isNotZero();
    Run local = casfs(tmp, byRepoVar, "log");
    assertThat(local.code()).as(local.toString()).isZero();
    assertThat(local.out()).contains("one");
  }

  /**
   * A Unix socket's address holds 107 bytes of path; a repository deeper than that still gets its
   * control socket, and both clients reach it, so commands beside its daemon are not "busy".
   */
  @Test
  void aRepositoryDeeperThanASocketAddressHoldsIsServedToo() throws Exception {
    Path repo = tmp.resolve("media/admin/SCHOOL-UPDATES-2026/casfs/repositories/stable-channel-for-the-laptops/"
        + "of-the-second-floor");
    assertThat(repo.resolve("control.sock").toString().length()).isGreaterThan(107);
    CliRunner cli = CliRunner.forRepo(repo);
    assertThat(cli.run("init").code()).isZero();
    assertThat(cli.run("import", TestTreeFiles.write(tmp.resolve("src"), 5).toString(), "--label", "one",
        "--switch").code()).isZero();
    Path log = tmp.resolve("serve.log");
    ServeProcess serve = ServeProcess.start(repo, log);
    try {
      Map<String, String> byRepoVar = Map.of("CASFS_REPO", repo.toString());
      Run nativeClient = casfs(tmp, with(byRepoVar, "JAVA_OPTS", NO_JVM), "cat", "one", "etc/hostname");
      assertThat(nativeClient.code()).as(nativeClient.toString()).isZero();
      assertThat(nativeClient.out()).isEqualTo("laptop-5\n");
      Run javaClient = casfs(tmp, with(byRepoVar, "CASFS_NO_FORWARD", "1"), "pin", "one", "--name", "kept");
      assertThat(javaClient.code()).as(javaClient.toString()).isZero();
      assertThat(casfs(tmp, byRepoVar, "status").out()).contains("kept");
      assertThat(Files.readString(log)).doesNotContain("warning");
    } finally {
      serve.stop();
    }
    assertThat(repo.resolve("control.sock")).doesNotExist();
  }

  private static Map<String, String> with(Map<String, String> env, String name, String value) {
    Map<String, String> m = new java.util.HashMap<>(env);
    m.put(name, value);
    return m;
  }
}
