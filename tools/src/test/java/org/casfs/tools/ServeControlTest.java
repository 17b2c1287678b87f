package org.casfs.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path log = tmp.resolve("serve.log");
    ProcessBuilder pb = new ProcessBuilder(List.of(Path.of(System.getProperty("user.dir"), "casfs").toString(),
        "serve", "--bind", "127.0.0.1", "--port", String.valueOf(port)))
        .redirectErrorStream(true).redirectOutput(log.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().put("CASFS_REPO", originDir.toString());
    pb.environment().put("CASFS_CLASSPATH", System.getProperty("java.class.path"));
    Process serve = pb.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!(Files.readString(log).contains("serving ") && Files.exists(originDir.resolve("control.sock")))) {
        assertThat(serve.isAlive() && System.nanoTime() < deadline).as("casfs serve came up: " + Files.readString(log))
            .isTrue();
        Thread.sleep(50);
      }
      String url = "http://127.0.0.1:" + port;
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
      serve.destroy();
      if (!serve.waitFor(20, TimeUnit.SECONDS)) {
        serve.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    assertThat(originDir.resolve("control.sock")).as("the socket goes with the server").doesNotExist();
    assertThat(ok(origin.run("log")).out()).as("the repository is free again").contains("second");
  }

  private static CliRunner.Result ok(CliRunner.Result r) {
    assertThat(r.code()).as(r.toString()).isZero();
    return r;
  }
}
