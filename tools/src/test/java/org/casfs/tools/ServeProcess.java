package org.casfs.tools;

import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code casfs serve} child process (the launcher, with this test run's classpath) on a free
 * loopback port, up once it serves and its control socket exists. Stop it with {@link #stop} (or
 * {@link #kill}) in {@code finally}.
 */
final class ServeProcess {
  final Process process;
  final String url;

  private ServeProcess(Process process, int port) {
    this.process = process;
    this.url = "http://127.0.0.1:" + port;
  }

  static ServeProcess start(Path repo, Path log) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    ProcessBuilder pb = new ProcessBuilder(List.of(Path.of(System.getProperty("user.dir"), "casfs").toString(),
        "serve", "--bind", "127.0.0.1", "--port", String.valueOf(port)))
        .redirectErrorStream(true).redirectOutput(log.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().put("CASFS_REPO", repo.toString());
    pb.environment().put("CASFS_CLASSPATH", System.getProperty("java.class.path"));
    pb.environment().remove("JAVA_OPTS");
    ServeProcess serve = new ServeProcess(pb.start(), port);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!(Files.readString(log).contains("serving ") && Files.exists(repo.resolve("control.sock")))) {
      if (!serve.process.isAlive() || System.nanoTime() > deadline) {
        serve.kill();
        throw new AssertionError("casfs serve did not come up: " + Files.readString(log));
      }
      Thread.sleep(50);
    }
    return serve;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGTERM, as an administrator stops it; killed if it has not exited in 20 s. */
  void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      kill();
    }
  }

  /** SIGKILL: its control socket stays behind, stale. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
  }
}
