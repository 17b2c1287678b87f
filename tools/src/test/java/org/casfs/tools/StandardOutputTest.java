package org.casfs.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Standard output that cannot be written, through the real launcher. A full disk
 * ({@code >/dev/full}) was not noticed: {@code casfs log >/dev/full} ended with exit 0 and its
 * output lost (the PrintWriter commands write through swallows errors), and through a daemon the
 * native client blamed the control socket. Now it is one line saying so, exit 5, from every client
 * alike; a pipe whose reader went away ({@code casfs log | head -1}) is no failure to tell: nothing
 * is said, and the exit code is a SIGPIPE death's, 141, as git's and the coreutils'.
 */
class StandardOutputTest {
  private static final String FULL = "casfs: cannot write to standard output: No space left on device; the output is"
      + " lost: check where it goes (a full disk, a closed file)\n";

  @TempDir Path tmp;
  Path repo;

  record Run(int code, String out, String err) {}

  @BeforeEach
  void repoWithTwoVersions() throws Exception {
    repo = tmp.resolve("repo");
    CliRunner cli = CliRunner.forRepo(repo).env("CASFS_KEY", tmp.resolve("key").toString());
    assertThat(cli.run("init").code()).isZero();
    assertThat(cli.run("import", TestTreeFiles.write(tmp.resolve("src1"), 1).toString(), "--label", "v1").code())
        .isZero();
    assertThat(cli.run("import", TestTreeFiles.write(tmp.resolve("src2"), 2).toString(), "--label", "v2", "--switch")
        .code()).isZero();
    assertThat(cli.run("keygen").code()).isZero();
  }

  @Test
  void aFullDiskOnStandardOutputIsExit5InOneLineAndAClosedPipeIsQuiet() throws Exception {
    for (String command : List.of("log", "ls v1", "status", "show v1", "history", "diff v1 v2", "cat v1 etc/hostname",
        "keygen --public", "--help", "ls --help")) {
      Run r = casfs(Map.of(), command + " >/dev/full");
      assertThat(r.code()).as(command + ": " + r.err()).isEqualTo(5);
      assertThat(r.err()).as(command).isEqualTo(FULL);
    }
    Run pipe = casfsIntoAClosedPipe(Map.of(), "log");
    assertThat(pipe.err()).as("nothing said").isEmpty();
    assertThat(pipe.code()).isEqualTo(141);
    assertThat(casfsIntoAClosedPipe(Map.of(), "cat v1 bin/big.bin").code()).isEqualTo(141);
    Run fine = casfs(Map.of(), "log");
    assertThat(fine.code()).as(fine.err()).isZero();
    assertThat(fine.out()).contains("v2");
  }

  @Test
  void throughADaemonBothClientsSayTheSame() throws Exception {
    ServeProcess serve = ServeProcess.start(repo, tmp.resolve("serve.log"));
    try {
      for (Map<String, String> client : List.of(Map.of("JAVA_OPTS", "-XX:+CasfsNoSuchOption"),
          Map.of("CASFS_NO_FORWARD", "1"))) {
        for (String command : List.of("log", "cat v1 etc/hostname")) {
          Run r = casfs(client, command + " >/dev/full");
          assertThat(r.code()).as(client + " " + command + ": " + r.err()).isEqualTo(5);
          assertThat(r.err()).as(client + " " + command).isEqualTo(FULL);
        }
        Run pipe = casfsIntoAClosedPipe(client, "log");
        assertThat(pipe.err()).as("%s", client).isEmpty();
        assertThat(pipe.code()).as("%s", client).isEqualTo(141);
        Run failing = casfs(client, "cat v1 no/such >/dev/full");
        assertThat(failing.code()).as(failing.err()).isEqualTo(2);
        assertThat(failing.err()).startsWith("casfs: no path 'no/such'").hasLineCount(1);
      }
      assertThat(serve.isAlive()).isTrue();
    } finally {
      serve.stop();
    }
  }

  /** The launcher, as bash runs {@code casfs ARGS}, for a repository in {@code CASFS_REPO}. */
  private Run casfs(Map<String, String> env, String bashArgs) throws Exception {
    return bash(env, "exec '" + LauncherProcess.LAUNCHER + "' " + bashArgs);
  }

  /**
   * {@code casfs ARGS | true}, the reader gone before casfs starts; the code is casfs's, as bash's
   * PIPESTATUS has it.
   */
  private Run casfsIntoAClosedPipe(Map<String, String> env, String args) throws Exception {
    Run r = bash(env, "{ sleep 0.5; '" + LauncherProcess.LAUNCHER + "' " + args
        + "; echo $? >&3; } 3>status | true");
    return new Run(Integer.parseInt(Files.readString(tmp.resolve("status")).strip()), r.out(), r.err());
  }

  private Run bash(Map<String, String> env, String command) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", command).directory(tmp.toFile());
    pb.environment().put("CASFS_REPO", repo.toString());
    pb.environment().put("CASFS_KEY", tmp.resolve("key").toString());
    LauncherProcess.Output o = LauncherProcess.run(pb, tmp, env, "bash -c " + command);
    return new Run(o.code(), o.outText(), o.err());
  }

}
