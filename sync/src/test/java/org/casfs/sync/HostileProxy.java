package org.casfs.sync;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.casfs.cas.ObjectId;
import org.casfs.sync.wire.StaticPaths;

/**
 * A small in-test HTTP server that forwards to a real origin and misbehaves where told: replaces
 * the head, replaces, trickles or lengthens objects, refuses or cuts the fetch stream.
 */
public final class HostileProxy implements Closeable {
  /** What to do with one object. */
  public interface ObjectAttack {
    void answer(HttpExchange ex, byte[] genuine) throws IOException;
  }

  private final String upstream;
  private final HttpServer http;
  public volatile byte[] head;
  /** Run after each head it served in place of the upstream's (a test changes its mind there). */
  public volatile Runnable afterHead = () -> {};
  public volatile boolean fetchRefused;
  /** Cut the next fetch response after this many body bytes (then forward normally); -1: never. */
  public volatile long cutFetchAfter = -1;
  /** After a cut, answer every request with 502 (the source went away). */
  public volatile boolean goneAfterCut;
  private volatile boolean gone;
  /** Cut every fetch response after this many body bytes (a link that keeps dropping); -1: never. */
  public volatile long cutEveryFetchAfter = -1;
  /** Cut every object response after this many body bytes; -1: never. */
  public volatile long cutEveryObjectAfter = -1;
  /** Forwarded bodies are sent at this many bytes a second (a slow link); 0: as fast as they come. */
  public volatile long bytesPerSecond;
  public final Map<ObjectId, ObjectAttack> objectAttacks = new ConcurrentHashMap<>();
  public final AtomicInteger requests = new AtomicInteger();

  public HostileProxy(String upstream) throws IOException {
    this.upstream = upstream;
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
    http.setExecutor(Executors.newFixedThreadPool(8, r -> {
      Thread t = new Thread(r, "hostile");
      t.setDaemon(true);
      return t;
    }));
    http.createContext("/", this::handle);
    http.start();
  }

  public String url() {
    return "http://127.0.0.1:" + http.getAddress().getPort();
  }

  private void handle(HttpExchange ex) throws IOException {
    requests.incrementAndGet();
    try (ex) {
      String path = ex.getRequestURI().getPath();
      if (path.equals("/v1/head") && head != null) {
        ex.sendResponseHeaders(200, head.length);
        ex.getResponseBody().write(head);
        afterHead.run();
        return;
      }
      if (gone) {
        ex.sendResponseHeaders(502, -1);
        return;
      }
      if (path.equals("/v1/fetch") && fetchRefused) {
        ex.sendResponseHeaders(404, -1);
        return;
      }
      if (path.startsWith("/v1/objects/")) {
        ObjectAttack a = objectAttacks.get(ObjectId.fromString(StaticPaths.nameOrNull(path, StaticPaths.OBJECTS)));
        if (a != null) {
          a.answer(ex, forwardBytes(path));
          return;
        }
      }
      forward(ex, path);
    }
  }

  private byte[] forwardBytes(String path) throws IOException {
    HttpURLConnection c = (HttpURLConnection) URI.create(upstream + path).toURL().openConnection();
    try (InputStream in = c.getInputStream()) {
      return in.readAllBytes();
    }
  }

  private void forward(HttpExchange ex, String path) throws IOException {
    HttpURLConnection c = (HttpURLConnection) URI.create(upstream + path).toURL().openConnection();
    c.setRequestMethod(ex.getRequestMethod());
    for (String h : new String[] {"Range", "Accept-Encoding", "Content-Type"}) {
      String v = ex.getRequestHeaders().getFirst(h);
      if (v != null) {
        c.setRequestProperty(h, v);
      }
    }
    if (ex.getRequestMethod().equals("POST")) {
      c.setDoOutput(true);
      try (OutputStream o = c.getOutputStream(); InputStream i = ex.getRequestBody()) {
        i.transferTo(o);
      }
    }
    int code = c.getResponseCode();
    String enc = c.getHeaderField("Content-Encoding");
    if (enc != null) {
      ex.getResponseHeaders().set("Content-Encoding", enc);
    }
    InputStream in = code >= 400 ? c.getErrorStream() : c.getInputStream();
    long cut = path.startsWith("/v1/objects/") ? cutEveryObjectAfter
        : !path.equals("/v1/fetch") ? -1 : cutEveryFetchAfter >= 0 ? cutEveryFetchAfter : cutFetchAfter;
    ex.sendResponseHeaders(code, 0);
    OutputStream out = ex.getResponseBody();
    if (in == null) {
      return;
    }
    try (in) {
      if (cut >= 0) {
        cutFetchAfter = -1;
        out.write(in.readNBytes((int) cut));
        out.flush();
        gone = goneAfterCut;
        // Drop the connection without ending the body properly.
        throw new IOException("cut on purpose");
      }
      long rate = bytesPerSecond;
      if (rate > 0) {
        paced(in, out, rate);
      } else {
        in.transferTo(out);
      }
    }
  }

  /** Copies in 100-byte pieces, each followed by its share of a second. */
  private static void paced(InputStream in, OutputStream out, long bytesPerSecond) throws IOException {
    byte[] piece = new byte[100];
    int n;
    while ((n = in.read(piece)) > 0) {
      out.write(piece, 0, n);
      out.flush();
      try {
        Thread.sleep(n * 1000L / bytesPerSecond);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("slow link interrupted");
      }
    }
  }

  /** Sends the bytes one per {@code millis}. */
  public static ObjectAttack trickle(long millis) {
    return (ex, genuine) -> {
      ex.sendResponseHeaders(200, genuine.length);
      OutputStream out = ex.getResponseBody();
      try {
        for (byte b : genuine) {
          out.write(b);
          out.flush();
          Thread.sleep(millis);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
  }

  /** Sends the genuine bytes, then keeps going. */
  public static ObjectAttack endless(int extra) {
    return (ex, genuine) -> {
      ex.sendResponseHeaders(200, 0);
      OutputStream out = ex.getResponseBody();
      out.write(genuine);
      out.write(new byte[extra]);
    };
  }

  /** Sends other bytes. */
  public static ObjectAttack replace(byte[] bytes) {
    return (ex, genuine) -> {
      ex.sendResponseHeaders(200, bytes.length);
      ex.getResponseBody().write(bytes);
    };
  }

  @Override
  public void close() {
    http.stop(0);
  }
}
