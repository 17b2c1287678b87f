package org.casfs.tools;

import java.io.File;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code casfs serve} (or {@code casfs peer}) child process (the launcher, with this test run's
 * classpath) on a free loopback port, up once it serves and its control socket exists. Stop it with {@link #stop} (or
 * {@link #kill}) in {@code finally}.
 */
final class ServeProcess {
  final Process process;
  final String url;

  private ServeProcess(Process process, int port) {
    this.process = process;
    this.url = "http://127.0.0.1:" + port;
  }

  /** {@code casfs serve}; {@code args} add options. */
  static ServeProcess start(Path repo, Path log, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("serve"));
    command.addAll(List.of(args));
    return launch(repo, log, "serving ", command.toArray(String[]::new));
  }

  /**
   * A {@code casfs peer} daemon on a free loopback port, without mDNS; {@code args} add options
   * (its neighbours with --peers). {@link #url} is where it serves.
   */
  static ServeProcess startPeer(Path repo, Path log, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("peer", "--mdns", "none"));
    command.addAll(List.of(args));
    return launch(repo, log, "peer serving on port ", command.toArray(String[]::new));
  }

  /**
   * {@code casfs serve} as a systemd unit or cron starts it: no LANG, LC_ALL or LC_CTYPE (the POSIX
   * locale); {@code args} add options.
   */
  static ServeProcess startWithoutLocale(Path repo, Path log, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("serve"));
    command.addAll(List.of(args));
    return launch(repo, log, "serving ", env -> WITHOUT_LOCALE.forEach(env::remove), command.toArray(String[]::new));
  }

  /** The variables that choose a locale. */
  static final List<String> WITHOUT_LOCALE = List.of("LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE");

  private static ServeProcess launch(Path repo, Path log, String ready, String... args) throws Exception {
    return launch(repo, log, ready, env -> {}, args);
  }

  private static ServeProcess launch(Path repo, Path log, String ready,
      java.util.function.Consumer<java.util.Map<String, String>> envChanges, String... args) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("user.dir"), "casfs").toString()));
    command.addAll(List.of(args));
    command.addAll(List.of("--bind", "127.0.0.1", "--port", String.valueOf(port)));
    ProcessBuilder pb = new ProcessBuilder(command)
        .redirectErrorStream(true).redirectOutput(log.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().put("CASFS_REPO", repo.toString());
    pb.environment().put("CASFS_CLASSPATH", System.getProperty("java.class.path"));
    pb.environment().remove("JAVA_OPTS");
    envChanges.accept(pb.environment());
    ServeProcess serve = new ServeProcess(pb.start(), port);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!(Files.readString(log).contains(ready) && Files.exists(repo.resolve("control.sock")))) {
      if (!serve.process.isAlive() || System.nanoTime() > deadline) {
        serve.kill();
        throw new AssertionError("casfs " + args[0] + " did not come up: " + Files.readString(log));
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
