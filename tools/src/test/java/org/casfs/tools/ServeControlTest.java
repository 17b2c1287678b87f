package org.casfs.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An origin publishes while it serves: {@code casfs serve} owns the repository, and {@code
 * import}, {@code sign} and {@code status} typed meanwhile run inside it through its control
 * socket; the next pull gets the new version, as a delta computed at sign and served by the same
 * process. Before, the administrator had to stop the server to publish.
 */
class ServeControlTest {
  @TempDir Path tmp;

  @Test
  void importAndSignRunInsideTheRunningServerAndTheNextPullGetsTheNewVersion() throws Exception {
    Path originDir = tmp.resolve("origin");
    CliRunner origin = CliRunner.forRepo(originDir).env("CASFS_KEY", tmp.resolve("origin.key").toString());
    ok(origin.run("init"));
    String key = ok(origin.run("keygen")).out().strip();
    ok(origin.run("import", TestTreeFiles.write(tmp.resolve("a"), 1).toString(), "--label", "first", "--switch"));
    ok(origin.run("sign", "first"));
    CliRunner laptop = CliRunner.forRepo(tmp.resolve("laptop"));
    ok(laptop.run("init"));
    ok(laptop.run("trust", key));

    ServeProcess serve = ServeProcess.start(originDir, tmp.resolve("serve.log"));
    try {
      String url = serve.url;
      ok(laptop.run("pull", url, "--switch"));

      // Publishing while serving: both commands would find the repository busy if they ran here.
      ok(origin.run("import", TestTreeFiles.write(tmp.resolve("b"), 2).toString(), "--label", "second", "--switch"));
      CliRunner.Result sign = ok(origin.run("sign", "second"));
      assertThat(sign.out()).as("sign computed deltas from the previous version").contains("delta ");
      assertThat(ok(origin.run("status")).out()).contains("current:");

      CliRunner.Result pull = ok(laptop.run("pull", url, "--switch"));
      assertThat(pull.out()).startsWith("switched to");
      assertThat(ok(laptop.run("cat", "current", "etc/hostname")).out()).isEqualTo("laptop-2\n");
      assertThat(serve.isAlive()).as("the server still runs").isTrue();
    } finally {
      serve.stop();
    }
    assertThat(originDir.resolve("control.sock")).as("the socket goes with the server").doesNotExist();
    assertThat(ok(origin.run("log")).out()).as("the repository is free again").contains("second");
  }

  @Test
  void aServerWithNothingSignedSaysSo() throws Exception {
    Path originDir = tmp.resolve("origin");
    ok(CliRunner.forRepo(originDir).run("init"));
    Path log = tmp.resolve("serve.log");
    ServeProcess serve = ServeProcess.start(originDir, log);
    try {
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
      while (!java.nio.file.Files.readString(log).contains("offers no signed version yet")
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(java.nio.file.Files.readString(log)).contains("offers no signed version yet", "casfs sign VERSION");
    } finally {
      serve.stop();
    }
  }

  private static CliRunner.Result ok(CliRunner.Result r) {
    assertThat(r.code()).as(r.toString()).isZero();
    return r;
  }
}
