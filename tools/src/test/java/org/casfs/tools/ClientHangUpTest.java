package org.casfs.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C on a command that runs inside a daemon stops it there. Before, the launcher's client
 * died and the daemon went on: an import the administrator had cancelled became a version, and
 * every other command waited for it.
 */
class ClientHangUpTest {
  @TempDir Path tmp;

  @Test
  void anImportWhoseClientIsKilledStopsInTheServerAndLeavesTheRepositoryAsItWas() throws Exception {
    Path repo = tmp.resolve("repo");
    CliRunner cli = CliRunner.forRepo(repo);
    ok(cli.run("init"));
    ok(cli.run("import", TestTreeFiles.write(tmp.resolve("small"), 1).toString(), "--label", "kept"));
    // ~10 GiB to read and hash (a quarter of a minute or more on 2 cores; more on more, as the
    // import hashes on every core), sparse: no disk used.
    Path big = Files.createDirectories(tmp.resolve("big"));
    for (int i = 0; i < 640 * coresPerTwo(); i++) {
      try (RandomAccessFile f = new RandomAccessFile(big.resolve("f" + i).toFile(), "rw")) {
        f.setLength((16L << 20) + i);
      }
    }
    String before = RepoFingerprint.of(repo);

    Path log = tmp.resolve("serve.log");
    ServeProcess serve = ServeProcess.start(repo, log);
    Process client = null;
    try {
      client = launcher(repo, "import", big.toString(), "--label", "cancelled").start();
      stopOnceRunning(client, "the import", () -> importRunning(repo));

      long stopped = System.nanoTime();
      CliRunner.Result versions = ok(cli.run("log", "--all"));
      assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - stopped))
          .as("log did not wait behind the import").isLessThan(10);
      assertThat(versions.out()).contains("kept").doesNotContain("cancelled");
      assertThat(ok(cli.run("status")).out()).contains("transaction: (none)");
      assertThat(Files.readString(log)).contains("the client of 'casfs import " + big
          + " --label cancelled' went away; the command was stopped");
      assertThat(serve.isAlive()).isTrue();
    } finally {
      if (client != null) {
        client.descendants().forEach(ProcessHandle::destroyForcibly);
        client.destroyForcibly();
      }
      serve.stop();
    }
    assertThat(withoutServerCaches(RepoFingerprint.of(repo))).as("the repository is as it was before the import")
        .isEqualTo(before);
  }

  /** The fingerprint without the cache directories any 'casfs serve' makes in staging/. */
  private static String withoutServerCaches(String fingerprint) {
    return fingerprint.replace("other staging/deltas 40755\n", "").replace("other staging/fetch-streams 40755\n", "");
  }

  @Test
  void aCheckoutWhoseClientIsKilledIsUndoneInTheServer() throws Exception {
    Path repo = tmp.resolve("repo");
    CliRunner cli = CliRunner.forRepo(repo);
    ok(cli.run("init"));
    // ~6 GiB to read back and verify (more on more cores), sparse in the store and in the checkout:
    // no disk used.
    Path big = Files.createDirectories(tmp.resolve("big"));
    for (int i = 0; i < 400 * coresPerTwo(); i++) {
      try (RandomAccessFile f = new RandomAccessFile(big.resolve("f" + i).toFile(), "rw")) {
        f.setLength((16L << 20) + i);
      }
    }
    ok(cli.run("import", big.toString(), "--label", "big"));
    Path target = tmp.resolve("target");

    Path log = tmp.resolve("serve.log");
    ServeProcess serve = ServeProcess.start(repo, log);
    Process client = null;
    try {
      client = launcher(repo, "checkout", "big", target.toString()).start();
      stopOnceRunning(client, "the checkout", () -> checkoutWrote(target));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!Files.readString(log).contains("went away")) {
        assertThat(System.nanoTime()).as("the server noticed").isLessThan(deadline);
        Thread.sleep(20);
      }
      assertThat(Files.readString(log)).contains("the client of 'casfs checkout big " + target
          + "' went away; the command was stopped");
      // The checkout stops at its next file and removes what it wrote, in the server, after the
      // client has gone: nobody is left to wait for, so this test waits for the target to go.
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (Files.exists(target)) {
        assertThat(System.nanoTime()).as("the checkout removed what it wrote").isLessThan(deadline);
        Thread.sleep(20);
      }
      assertThat(ok(cli.run("log")).out()).contains("big");
    } finally {
      if (client != null) {
        client.descendants().forEach(ProcessHandle::destroyForcibly);
        client.destroyForcibly();
      }
      serve.stop();
    }
  }

  /** How many times this machine's cores are two: the work that must still be running scales with it. */
  private static int coresPerTwo() {
    return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
  }

  /** Something the test polls for. */
  private interface Condition {
    boolean holds() throws Exception;
  }

  /**
   * Waits until {@code what} runs in the server ({@code running}), then stops the client as Ctrl-C
   * on a terminal does: the whole foreground job, the launcher and its native client.
   */
  private static void stopOnceRunning(Process client, String what, Condition running) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!running.holds()) {
      assertThat(client.isAlive()).as(what + " is still running when its client is stopped").isTrue();
      assertThat(System.nanoTime()).as(what + " started in the server").isLessThan(deadline);
      Thread.sleep(20);
    }
    client.descendants().forEach(ProcessHandle::destroy);
    client.destroy();
    assertThat(client.waitFor(20, TimeUnit.SECONDS)).isTrue();
  }

  private static boolean checkoutWrote(Path target) throws Exception {
    if (!Files.isDirectory(target)) {
      return false;
    }
    try (Stream<Path> s = Files.list(target)) {
      return s.findAny().isPresent();
    }
  }

  private static boolean importRunning(Path repo) throws Exception {
    try (Stream<Path> s = Files.list(repo.resolve("staging"))) {
      return s.anyMatch(p -> p.getFileName().toString().startsWith("txn-"));
    }
  }

  private ProcessBuilder launcher(Path repo, String... args) {
    List<String> cmd = new java.util.ArrayList<>();
    cmd.add(Path.of(System.getProperty("user.dir"), "casfs").toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(tmp.resolve("client.out").toFile()).redirectError(tmp.resolve("client.err").toFile());
    pb.environment().put("CASFS_REPO", repo.toString());
    pb.environment().put("CASFS_CLASSPATH", System.getProperty("java.class.path"));
    pb.environment().remove("JAVA_OPTS");
    return pb;
  }

  private static CliRunner.Result ok(CliRunner.Result r) {
    assertThat(r.code()).as(r.toString()).isZero();
    return r;
  }
}
