package org.casfs.sync;

import java.io.Closeable;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Debian's nginx, started on a free loopback port with its own config, pid and logs in a temp
 * directory, serving {@code root} as static files; stopped by its own pid on close.
 */
public final class Nginx implements Closeable {
  public final int port;
  public final Path dir;
  private final Process process;

  public static boolean available() {
    return Files.isExecutable(Path.of("/usr/sbin/nginx"));
  }

  public Nginx(Path root, Path dir) throws IOException, InterruptedException {
    this.dir = dir;
    Files.createDirectories(dir.resolve("tmp"));
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String conf = "user root;\nworker_processes 2;\ndaemon off;\npid " + dir.resolve("nginx.pid") + ";\n"
        + "error_log " + dir.resolve("error.log") + ";\n"
        + "events { worker_connections 512; }\n"
        + "http {\n  access_log " + dir.resolve("access.log") + ";\n"
        + "  client_body_temp_path " + dir.resolve("tmp") + ";\n"
        + "  sendfile on; tcp_nopush on; keepalive_requests 100000;\n"
        + "  types { } default_type application/octet-stream;\n"
        + "  server {\n    listen 127.0.0.1:" + port + ";\n    root " + root.toAbsolutePath() + ";\n"
        + "    location / { }\n  }\n}\n";
    Path confFile = dir.resolve("nginx.conf");
    Files.writeString(confFile, conf);
    process = new ProcessBuilder("/usr/sbin/nginx", "-c", confFile.toString(), "-p", dir.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        break;
      } catch (IOException e) {
        if (!process.isAlive() || System.nanoTime() > deadline) {
          close();
          throw new IOException("nginx did not start: " + Files.readString(dir.resolve("stdout.log"))
              + (Files.exists(dir.resolve("error.log")) ? Files.readString(dir.resolve("error.log")) : ""));
        }
        Thread.sleep(50);
      }
    }
  }

  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /** Requests nginx has logged so far. */
  public long requests() throws IOException {
    Path log = dir.resolve("access.log");
    if (!Files.exists(log)) {
      return 0;
    }
    try (var lines = Files.lines(log)) {
      return lines.count();
    }
  }

  @Override
  public void close() {
    // Our own child by its handle (SIGTERM: nginx's fast shutdown), then its workers go with it.
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
