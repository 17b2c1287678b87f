package org.casfs.sync.pull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.casfs.cas.ObjectId;
import org.casfs.sync.wire.StaticPaths;

/**
 * A source on loopback that serves a signed head it is given, answers {@code POST /v1/fetch} with a
 * stream the test writes (uncompressed, chunked; 404 if there is none) and {@code GET
 * /v1/objects/{id}} with the bodies the test gives ({@link #objects}); everything else is a 404.
 * Counts the bytes of the bodies it sent.
 */
final class HostileFetchServer implements Closeable {
  interface Body {
    void write(OutputStream out) throws IOException;
  }

  private final HttpServer http;
  private final ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
    Thread t = new Thread(r, "hostile-fetch");
    t.setDaemon(true);
    return t;
  });
  private final byte[] head;
  private final Body body;
  final AtomicLong fetchBytes = new AtomicLong();
  final Map<ObjectId, Body> objects = new ConcurrentHashMap<>();

  HostileFetchServer(byte[] head, Body body) throws IOException {
    this.head = head;
    this.body = body;
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    http.setExecutor(pool);
    http.createContext("/", this::handle);
    http.start();
  }

  String url() {
    return "http://127.0.0.1:" + http.getAddress().getPort();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String path = ex.getRequestURI().getPath();
      if (path.equals("/v1/head")) {
        ex.sendResponseHeaders(200, head.length);
        ex.getResponseBody().write(head);
      } else if (path.equals("/v1/fetch") && body != null || path.startsWith("/v1/objects/")
          && objects.containsKey(ObjectId.fromString(StaticPaths.nameOrNull(path, StaticPaths.OBJECTS)))) {
        Body answer = path.equals("/v1/fetch") ? body
            : objects.get(ObjectId.fromString(StaticPaths.nameOrNull(path, StaticPaths.OBJECTS)));
        ex.getRequestBody().readAllBytes();
        ex.sendResponseHeaders(200, 0);
        OutputStream counted = new OutputStream() {
          final OutputStream out = ex.getResponseBody();

          @Override
          public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            fetchBytes.addAndGet(len);
          }
        };
        answer.write(counted);
      } else {
        ex.sendResponseHeaders(404, -1);
      }
    }
  }

  /** Zeros until the client hangs up (or {@code max} bytes). */
  static void zeros(OutputStream out, long max) throws IOException {
    byte[] zeros = new byte[64 << 10];
    for (long sent = 0; sent < max; sent += zeros.length) {
      out.write(zeros);
    }
  }

  @Override
  public void close() {
    http.stop(0);
    pool.shutdownNow();
  }
}
