package org.casfs.sync.pull;

import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.FileNotFoundException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.casfs.cas.ObjectId;
import org.casfs.cas.OneByteRead;
import org.casfs.sync.trust.SignedHead;
import org.casfs.sync.wire.FetchRequest;
import org.casfs.sync.wire.StaticPaths;
import org.casfs.sync.wire.WireException;

/**
 * A casfs server, peer or static mirror over HTTP/1.1 ({@link HttpURLConnection}: keep-alive,
 * per-read timeouts). Every body passes a {@link RateGuard}, so trickling sources are cut off
 * (at a lower floor once it is the only source left: {@link #onlySourceLeft}); fetch streams are
 * asked for zstd-compressed. Redirects are not followed: a 3xx answer fails the source
 * ({@link WireException}). Thread-safe.
 */
public final class HttpSource implements Source {
  /** An IPv6 literal with an RFC 6874 zone: {@code [fe80::1%25eth0]}. */
  private static final Pattern ZONE = Pattern.compile("\\[([0-9A-Fa-f:.]+)%25([^\\]]+)]");
  private final String base;
  private final PullConfig config;
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong requests = new AtomicLong();
  private volatile boolean onlySourceLeft;

  /** @throws IllegalArgumentException for a URL that cannot name a source ({@link #checkUrl}) */
  public HttpSource(String url, PullConfig config) {
    checkUrl(url);
    String u = withJavaZone(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    this.base = u;
    this.config = config;
  }

  @Override
  public String name() {
    return base;
  }

  /**
   * Checks that {@code url} can name a source: {@code http://} or {@code https://}, a host, and a
   * port (when one is given) from 1 to 65535. A port out of range reached the JDK's connection code
   * as an {@code IllegalArgumentException} deep inside a pull; a port that is no number, or no host
   * at all, failed there as an I/O error.
   *
   * @throws IllegalArgumentException naming the URL and what is wrong with it, and how to write one
   */
  public static void checkUrl(String url) {
    String shown = "'" + url + "'";
    String advice = "; give it as http://HOST:PORT, e.g. http://192.168.1.10:7420";
    String u = withJavaZone(url);
    if (!u.startsWith("http://") && !u.startsWith("https://")) {
      throw new IllegalArgumentException(shown + " is not an http:// or https:// URL" + advice);
    }
    URI uri;
    try {
      uri = new URI(u);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException(shown + " is not a valid URL (" + e.getReason() + ")" + advice);
    }
    String authority = uri.getRawAuthority();
    if (authority == null || authority.isEmpty() || authority.startsWith(":")) {
      throw new IllegalArgumentException(shown + " names no host" + advice);
    }
    if (uri.getHost() == null) { // not host[:port] as a server's address is written
      int colon = authority.lastIndexOf(':');
      if (colon > authority.lastIndexOf(']')) {
        String port = authority.substring(colon + 1);
        if (!port.matches("[0-9]+")) {
          throw new IllegalArgumentException(shown + ": the port '" + port + "' is not a number" + advice);
        }
        if (port.length() > 5 || Integer.parseInt(port) > 65535) {
          throw new IllegalArgumentException(shown + ": the port " + port + " is out of range (1 to 65535)" + advice);
        }
      }
      return; // a host name the URI grammar does not know (an underscore): the connection judges it
    }
    if (uri.getPort() == 0 || uri.getPort() > 65535) {
      throw new IllegalArgumentException(shown + ": the port " + uri.getPort() + " is out of range (1 to 65535)"
          + advice);
    }
  }

  /**
   * A link-local IPv6 address names its interface, in a URL as RFC 6874 writes it ({@code
   * http://[fe80::1%25eth0]:7420}, as curl and browsers take it) or bare ({@code %eth0}); Java's
   * URL takes only the bare form, and took {@code %25eth0} for an unknown host. Laptops on a
   * switch without DHCP have only such addresses.
   */
  public static String withJavaZone(String url) {
    return ZONE.matcher(url).replaceFirst("[$1%$2]");
  }

  private HttpURLConnection open(String path) throws IOException {
    URL url = URI.create(base + path).toURL();
    HttpURLConnection c = (HttpURLConnection) url.openConnection();
    c.setConnectTimeout((int) config.connectTimeout().toMillis());
    c.setReadTimeout((int) config.stallTimeout().toMillis());
    c.setUseCaches(false);
    // A redirect is not followed: a pull given one address must not fetch from another, unsaid.
    c.setInstanceFollowRedirects(false);
    requests.incrementAndGet();
    return c;
  }

  /** The status of a request; a redirect (3xx) fails the source, with where it pointed. */
  private int statusOf(HttpURLConnection c, String path) throws IOException {
    int code = responseCode(c);
    if (code >= 300 && code < 400) {
      String location = c.getHeaderField("Location");
      drain(c);
      throw new WireException(base + path + " answered " + code + ", a redirect to "
          + (location == null ? "nowhere" : location) + "; casfs does not follow redirects: give the address it"
          + " points to, if you trust it");
    }
    return code;
  }

  /** The body of a POST; failing to reach the source at all is told with what to check. */
  private OutputStream outputOf(HttpURLConnection c) throws IOException {
    try {
      return c.getOutputStream();
    } catch (IOException e) {
      throw unreachable(e);
    }
  }

  /** The status of a request; failing to reach the source at all is told with what to check. */
  private int responseCode(HttpURLConnection c) throws IOException {
    try {
      return c.getResponseCode();
    } catch (IOException e) {
      throw unreachable(e);
    }
  }

  /** A failure to reach the source, told with what to check (the pull names the source). */
  private IOException unreachable(IOException e) {
    String why;
    if (e instanceof UnknownHostException) {
      why = "unknown host " + e.getMessage() + "; check the name, or give the address";
    } else if (e instanceof ConnectException) {
      why = (e.getMessage() == null ? "could not connect" : e.getMessage().toLowerCase(Locale.ROOT))
          + "; is casfs serve or casfs peer running at that address and port?";
    } else if (e instanceof SocketTimeoutException) {
      boolean connecting = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("connect");
      why = (connecting ? "no connection within " + config.connectTimeout().toSeconds() + " s"
          : "no answer within " + config.stallTimeout().toSeconds() + " s") + "; check the address and the network";
    } else if (e instanceof NoRouteToHostException) {
      why = "no route to host; check the address and the network";
    } else {
      return e;
    }
    return new IOException(why, e);
  }

  private InputStream guarded(InputStream in) {
    InputStream limited = config.downloadLimit() == null ? in : config.downloadLimit().wrap(in);
    long floor = onlySourceLeft ? config.lastSourceMinBytesPerSecond() : config.minBytesPerSecond();
    return new RateGuard(limited, base, floor, config.rateWindow().toNanos(), System::nanoTime, received);
  }

  @Override
  public void onlySourceLeft() {
    onlySourceLeft = true;
  }

  @Override
  public byte[] head() throws IOException {
    HttpURLConnection c = open("/v1/head");
    int code = statusOf(c, "/v1/head");
    if (code != 200) {
      drain(c);
      throw new FileNotFoundException(base + "/v1/head answered " + code + "; is this a casfs server or mirror?");
    }
    try (InputStream in = guarded(c.getInputStream())) {
      return in.readNBytes(SignedHead.MAX_BYTES + 1);
    }
  }

  /** How long a busy server (503 with Retry-After) is waited for before giving up on it. */
  static final long BUSY_WAIT_NANOS = java.util.concurrent.TimeUnit.MINUTES.toNanos(15);

  @Override
  public InputStream openFetchOrNull(FetchRequest request) throws IOException {
    long deadline = System.nanoTime() + BUSY_WAIT_NANOS;
    while (true) {
      HttpURLConnection c = post(request);
      if (statusOf(c, "/v1/fetch") != 503 || System.nanoTime() > deadline) {
        return fetchResponse(c);
      }
      long seconds = retryAfterSeconds(c);
      drain(c);
      try {
        Thread.sleep(seconds * 1000 + java.util.concurrent.ThreadLocalRandom.current().nextLong(500));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted while " + base + " was busy");
      }
    }
  }

  private static long retryAfterSeconds(HttpURLConnection c) {
    try {
      return Math.max(1, Math.min(30, Long.parseLong(c.getHeaderField("Retry-After").strip())));
    } catch (RuntimeException e) {
      return 2;
    }
  }

  private HttpURLConnection post(FetchRequest request) throws IOException {
    byte[] body = request.encode();
    HttpURLConnection c = open("/v1/fetch");
    c.setRequestMethod("POST");
    c.setDoOutput(true);
    c.setFixedLengthStreamingMode(body.length);
    c.setRequestProperty("Content-Type", "text/plain");
    c.setRequestProperty("Accept-Encoding", "zstd");
    try (OutputStream out = outputOf(c)) {
      out.write(body);
    }
    return c;
  }

  private InputStream fetchResponse(HttpURLConnection c) throws IOException {
    int code = responseCode(c);
    if (code == 404 || code == 405 || code == 501 || code == 403) {
      drain(c);
      return null;
    }
    if (code != 200) {
      drain(c);
      throw new WireException(base + "/v1/fetch answered " + code);
    }
    InputStream raw = new BufferedInputStream(guarded(withoutAvailable(c.getInputStream())), 256 * 1024);
    String enc = c.getHeaderField("Content-Encoding");
    if (enc != null && !enc.equals("zstd")) {
      raw.close();
      throw new WireException(base + " sent the fetch stream in unknown encoding " + enc);
    }
    InputStream decoded = enc == null ? raw : new ZstdInputStream(raw);
    // Receiving and decompressing overlap with hashing and storing on the pulling thread.
    return new ReadAheadInputStream(decoded, () -> dropWhileAnotherThreadReads(c), READ_AHEAD_CHUNK,
        READ_AHEAD_CHUNKS, base);
  }

  /**
   * Disconnects a connection whose body the read-ahead thread may be reading. HttpURLConnection is
   * not thread-safe: disconnect() checks its client, then uses it, and when the reading thread
   * releases the client in between (the body just ended or broke), it throws a
   * NullPointerException (JDK 17, HttpURLConnection.disconnect). The connection has nothing left
   * to drop then. Seen once in CI: a pull through a link cut every few hundred KiB failed with it.
   */
  static void dropWhileAnotherThreadReads(HttpURLConnection c) {
    try {
      c.disconnect();
    } catch (NullPointerException released) {
      // released by the reading thread meanwhile
    }
  }

  /**
   * A chunked body as HttpURLConnection reads it, with {@code available()} answering 0. The JDK's
   * chunked decoder answers {@code available()} by pulling everything the socket holds into its
   * raw buffer and re-compacting that buffer once per chunk; the JDK server sends 4 KiB chunks, so
   * when the client falls behind (socket buffers full) each call costs O(buffered bytes) per chunk:
   * quadratic. {@link BufferedInputStream} calls {@code available()} on every fill. Measured in
   * {@code FullPullBench}'s HTTP check on the loaded 2-core machine: 8-9 MB/s with it, 330-665 MB/s
   * without. Blocking reads alone never take that path.
   */
  private static InputStream withoutAvailable(InputStream in) {
    return new FilterInputStream(in) {
      @Override
      public int available() {
        return 0;
      }
    };
  }

  /** 64 KiB chunks, at most 4 MiB (decompressed) waiting: small next to a version, see KillResumeTest. */
  private static final int READ_AHEAD_CHUNK = 64 * 1024;
  private static final int READ_AHEAD_CHUNKS = 64;

  @Override
  public InputStream openObject(ObjectId id, long offset) throws IOException {
    HttpURLConnection c = open("/" + StaticPaths.object(id));
    if (offset > 0) {
      c.setRequestProperty("Range", "bytes=" + offset + "-");
    }
    int code = statusOf(c, "/" + StaticPaths.object(id));
    if (code == 404) {
      drain(c);
      throw new FileNotFoundException(base + " does not have object " + id);
    }
    if (offset > 0 ? code != 206 : code != 200) {
      drain(c);
      throw new WireException(base + "/" + StaticPaths.object(id) + " answered " + code);
    }
    InputStream in = guarded(c.getInputStream());
    long declared = c.getContentLengthLong();
    return declared < 0 ? in : new FilterInputStream(in) {
      private long bodyBytes;

      @Override
      public int read() throws IOException {
        return OneByteRead.through(this);
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n < 0 && bodyBytes < declared) {
          // The connection ended inside the body: a dropped link, not a wrong object.
          throw LimitedStream.brokenTransfer(base, id, offset + bodyBytes, offset + declared);
        }
        bodyBytes += Math.max(n, 0);
        return n;
      }
    };
  }

  @Override
  public byte[] deltaOrNull(ObjectId oldBlob, ObjectId newBlob, int maxBytes) throws IOException {
    HttpURLConnection c = open("/" + StaticPaths.delta(oldBlob, newBlob));
    int code = statusOf(c, "/" + StaticPaths.delta(oldBlob, newBlob));
    if (code != 200) {
      // 404: no such delta (or a mirror without deltas); anything else: take the whole blob.
      drain(c);
      return null;
    }
    long declared = c.getContentLengthLong();
    if (declared > maxBytes) {
      c.disconnect();
      return null;
    }
    try (InputStream in = guarded(c.getInputStream())) {
      byte[] b = in.readNBytes(maxBytes + 1);
      if (b.length > maxBytes) {
        c.disconnect();
        return null;
      }
      return b;
    }
  }

  private static void drain(HttpURLConnection c) {
    try {
      InputStream e = c.getErrorStream();
      if (e != null) {
        e.readNBytes(64 * 1024);
        e.close();
      }
    } catch (IOException ignored) {
      // the connection is not reused then
    }
  }

  @Override
  public long bytesReceived() {
    return received.get();
  }

  @Override
  public long requests() {
    return requests.get();
  }
}
