package org.casfs.sync.server;

import com.github.luben.zstd.ZstdOutputStream;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.casfs.cas.ObjectException;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.DiskObjectStore;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.cas.store.ObjectInfo;
import org.casfs.sync.SyncState;
import org.casfs.sync.trust.SignedHead;
import org.casfs.sync.wire.FetchRequest;
import org.casfs.sync.wire.RateLimit;
import org.casfs.sync.wire.StaticPaths;
import org.casfs.sync.wire.WireException;

/**
 * The HTTP side of a casfs machine (origin or peer):
 *
 * <pre>
 * GET  /v1/head                  the signed head this machine offers
 * GET  /v1/objects/ab/{id}       an object's bytes; Range, ETag, immutable caching
 * GET  /v1/manifests/{id}.sig    a manifest's detached signatures
 * GET  /v1/deltas/ab/{old}-{new} a delta, from the {@link DeltaSource} (404 without one)
 * POST /v1/fetch                 one stream of every object the client lacks ({@link FetchRequest})
 * </pre>
 *
 * Objects and deltas are fanned out by the first two digits of their name ({@link StaticPaths},
 * as {@code casfs mirror} writes them); the flat {@code /v1/objects/{id}} is answered too.
 *
 * <p>Built on the JDK's {@code HttpServer}: {@link ServerConfig#threads()} requests are worked on
 * at once (further ones wait their turn once they have arrived; see {@link #MAX_CONNECTIONS} for
 * requests still arriving), bodies size-capped, objects streamed with
 * fixed buffers so memory does not grow with clients or object sizes. Whole objects are read
 * through the store's verifying reads, so damaged bytes stop the response instead of reaching a
 * client. Thread-safe; {@link #close()} stops accepting and lets running requests finish for the
 * configured grace.
 */
public final class Server implements Closeable {
  private static final String IMMUTABLE = "public, max-age=31536000, immutable";

  /**
   * Connections held open at once; the JDK's server closes further ones as it accepts them. Each
   * may have a thread of its own while its request arrives: the JDK's server reads a request's
   * line, headers and body on a thread of the executor, blocking, so with only {@link
   * ServerConfig#threads()} threads a client that sent its headers a byte every few seconds held
   * one for as long as it liked, and 20 such connections from one laptop (a slowloris script) left
   * a server answering nobody. The work itself waits for one of {@code threads} permits, taken
   * once the request has arrived.
   */
  static final int MAX_CONNECTIONS = 512;

  /**
   * Seconds a request may take to arrive, headers and body, before its connection is closed: a
   * fetch request that lists a few thousand objects over a 24 kbit/s link takes well under this.
   */
  static final long MAX_REQUEST_SECONDS = 120;

  static {
    // The JDK server writes each chunk of a chunked body as several small writes; with Nagle's
    // algorithm and delayed ACKs each one waits ~40 ms. Measured: a v1 pull took 17.7 s with
    // Nagle, 5.0 s without. The properties are read once, when the server classes load.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    if (System.getProperty("sun.net.httpserver.maxReqTime") == null) {
      System.setProperty("sun.net.httpserver.maxReqTime", Long.toString(MAX_REQUEST_SECONDS));
    }
    if (System.getProperty("sun.net.httpserver.maxConnections") == null) {
      System.setProperty("sun.net.httpserver.maxConnections", Integer.toString(MAX_CONNECTIONS));
    }
  }

  private final ObjectDatabase db;
  private final SyncState state;
  private final ServerConfig config;
  private final FetchPlanner planner;
  /** Null unless {@link #cacheFetchStreams}: an origin's, not a laptop's. */
  private volatile FetchStreamCache recentStreams;
  private final AtomicLong fetchesFromCache = new AtomicLong();
  private final List<FetchHook> hooks = new CopyOnWriteArrayList<>();
  private volatile DeltaSource deltas = DeltaSource.NONE;
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong bytesSent = new AtomicLong();
  private final AtomicInteger active = new AtomicInteger();
  private final ServerProblems problems = new ServerProblems();
  private volatile Consumer<ObjectId> damagedObjects = id -> {};
  /** Null: no limit. */
  private volatile RateLimit uploads;
  private Duration stallTimeout = StalledClients.DEFAULT_STALL;
  private volatile StalledClients stalls; // from start() to close()
  private volatile boolean closing;
  /** Fetch streams are long: at most half the threads carry them, so heads and objects stay quick. */
  private final java.util.concurrent.Semaphore streams;
  /** Requests worked on at once, taken in the order they arrived. */
  private final java.util.concurrent.Semaphore work;
  private HttpServer http;
  private ExecutorService pool;

  public Server(ObjectDatabase db, SyncState state, ServerConfig config) {
    this.db = db;
    this.state = state;
    this.config = config;
    this.planner = new FetchPlanner(db);
    this.streams = new java.util.concurrent.Semaphore(Math.max(1, config.threads() / 2));
    this.work = new java.util.concurrent.Semaphore(config.threads(), true);
  }

  /**
   * Who hears of each object this server found damaged (or gone) in its own repository while
   * answering a request: a peer repairs it from its neighbours ({@code SelfRepair}).
   */
  public Server onDamagedObject(Consumer<ObjectId> listener) {
    this.damagedObjects = Objects.requireNonNull(listener, "listener");
    return this;
  }

  /**
   * Where to report the requests this server could not answer because of its own repository (a
   * damaged object, a damaged database) or a bug: one line each, once ({@link ServerProblems}).
   */
  public Server logProblemsTo(Consumer<String> log) {
    problems.logTo(log);
    return this;
  }

  /** Sends at most {@code limit}'s bytes a second in all responses together; null for no limit. */
  public Server limitUploads(RateLimit limit) {
    this.uploads = limit;
    return this;
  }

  /**
   * Cuts off a client that takes nothing of a response for {@code stall} (default 30 s), so
   * that clients that stop reading cannot hold every handler thread ({@link StalledClients}).
   */
  public synchronized Server cutStalledClientsAfter(Duration stall) {
    if (http != null) {
      throw new IllegalStateException("set before start");
    }
    this.stallTimeout = stall;
    return this;
  }

  /** Clients cut off so far because they stopped reading. */
  public long stalledClientsCut() {
    StalledClients s = stalls;
    return s == null ? 0 : s.cut();
  }

  /** Adds a way to send blobs other than whole (deltas); call before or after start. */
  public Server addFetchHook(FetchHook hook) {
    hooks.add(hook);
    return this;
  }

  /**
   * Keeps recent fetch streams for identical requests ({@link FetchStreamCache}): for an origin,
   * whose many laptops ask alike; it holds up to {@value FetchStreamCache#MAX_MEMORY_BYTES} bytes of
   * heap, more than a laptop's daemon should spend on its few neighbours.
   */
  public Server cacheFetchStreams() {
    replaceCache(new FetchStreamCache());
    return this;
  }

  /**
   * As {@link #cacheFetchStreams()}, and keeps larger streams (whole versions for new machines,
   * large updates) in files in {@code dir}, which it empties, up to {@code diskBudgetBytes} and a
   * quarter of the free disk.
   */
  public Server cacheFetchStreams(Path dir, long diskBudgetBytes) throws IOException {
    replaceCache(new FetchStreamCache(dir, diskBudgetBytes));
    return this;
  }

  private void replaceCache(FetchStreamCache cache) {
    FetchStreamCache old = recentStreams;
    recentStreams = cache;
    if (old != null) {
      old.close();
    }
  }

  /** Fetch streams kept in files now ({@link #cacheFetchStreams(Path, long)}). */
  public long fetchStreamsOnDisk() {
    FetchStreamCache cache = recentStreams;
    return cache == null ? 0 : cache.filesKept();
  }

  public Server deltaSource(DeltaSource source) {
    this.deltas = source;
    return this;
  }

  public synchronized Server start() throws IOException {
    if (http != null) {
      throw new IllegalStateException("already started");
    }
    try {
      http = HttpServer.create(config.address(), 256);
    } catch (java.net.SocketException e) { // BindException: the port is taken, or the address is not ours
      throw new IOException("cannot listen on " + config.address().getHostString() + " port "
          + config.address().getPort() + ": " + e.getMessage() + "; stop what holds that port or choose"
          + " another address or port", e);
    }
    AtomicInteger n = new AtomicInteger();
    // A thread for each connection whose request is arriving or being answered (see MAX_CONNECTIONS).
    pool = new ThreadPoolExecutor(config.threads(), MAX_CONNECTIONS, 30, TimeUnit.SECONDS,
        new SynchronousQueue<>(), r -> {
          Thread t = new Thread(r, "casfs-serve-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    http.setExecutor(pool);
    stalls = new StalledClients(stallTimeout);
    http.createContext("/", this::handle);
    http.start();
    return this;
  }

  /** Where the server listens (the real port when 0 was asked for). */
  public InetSocketAddress address() {
    return http.getAddress();
  }

  /** {@code http://HOST:PORT} of the address it listens on ({@link ServerUrls#reachable} for a wildcard). */
  public String url() {
    return ServerUrls.of(address().getAddress(), address().getPort());
  }

  /** Requests answered so far (tests count round trips with it). */
  public long requestCount() {
    return requests.get();
  }

  /** Fetch streams answered with the bytes sent for an identical request ({@link FetchStreamCache}). */
  public long fetchesFromCache() {
    return fetchesFromCache.get();
  }

  /** Response body bytes written so far (after compression). */
  public long bytesSent() {
    return bytesSent.get();
  }

  private void handle(HttpExchange ex) throws IOException {
    requests.incrementAndGet();
    active.incrementAndGet();
    try {
      work.acquire();
    } catch (InterruptedException e) { // the server is stopping
      active.decrementAndGet();
      ex.close();
      Thread.currentThread().interrupt();
      return;
    }
    try {
      answer(ex);
    } finally {
      work.release();
      active.decrementAndGet();
    }
  }

  private void answer(HttpExchange ex) throws IOException {
    String request = ex.getRequestMethod() + " " + ex.getRequestURI().getRawPath();
    try (ex) {
      if (closing) {
        ex.getResponseHeaders().set("Connection", "close");
        error(ex, 503, "this server is shutting down; try another source");
        return;
      }
      String path = ex.getRequestURI().getRawPath();
      String method = ex.getRequestMethod();
      ex.getResponseHeaders().set("Server", "casfs");
      if (path.equals("/v1/fetch")) {
        if (!method.equals("POST")) {
          error(ex, 405, "use POST");
        } else if (!streams.tryAcquire()) {
          // Busy: say so at once rather than keep the client waiting in a queue.
          ex.getResponseHeaders().set("Retry-After", "2");
          error(ex, 503, "all fetch streams are busy; retry shortly");
        } else {
          try {
            fetch(ex);
          } finally {
            streams.release();
          }
        }
        return;
      }
      if (!method.equals("GET") && !method.equals("HEAD")) {
        error(ex, 405, "only GET and HEAD here");
        return;
      }
      if (path.equals("/v1/head")) {
        head(ex);
      } else if (path.startsWith("/" + StaticPaths.OBJECTS + "/")) {
        object(ex, StaticPaths.nameOrNull(path, StaticPaths.OBJECTS));
      } else if (path.startsWith("/v1/manifests/") && path.endsWith(".sig")) {
        signature(ex, path.substring("/v1/manifests/".length(), path.length() - 4));
      } else if (path.startsWith("/" + StaticPaths.DELTAS + "/")) {
        delta(ex, StaticPaths.DeltaName.parseOrNull(StaticPaths.nameOrNull(path, StaticPaths.DELTAS)));
      } else {
        error(ex, 404, "no such casfs resource");
      }
    } catch (WireException e) {
      error(ex, 400, e.getMessage());
    } catch (IOException | RuntimeException e) {
      // If the fault is ours, the owner hears of it (and a peer repairs a damaged object).
      problems.failed(request, e);
      for (Throwable c = e; c != null; c = c.getCause()) {
        if (c instanceof ObjectException damaged && damaged.id() != null) {
          damagedObjects.accept(damaged.id());
          break;
        }
      }
      // The response may be half-sent. Closing the exchange did not drop the connection then
      // (the JDK's fixed-length stream, closed short, closes the exchange it is being closed by,
      // which then skips closing the connection): the client waited for the missing bytes until
      // its own timeout (30 s for casfs). Thrown on, the JDK's server closes the connection of a
      // response not fully written, and the client moves on to another source at once.
      throw e;
    }
  }

  private void head(HttpExchange ex) throws IOException {
    SignedHead h = state.offeredHeadOrNull();
    if (h == null) {
      error(ex, 404, "this machine offers no version yet");
      return;
    }
    ex.getResponseHeaders().set("Cache-Control", "no-cache");
    send(ex, 200, "application/vnd.casfs.head", h.encode());
  }

  private void signature(HttpExchange ex, String hex) throws IOException {
    if (!ObjectId.isValid(hex)) {
      error(ex, 400, "not an object id");
      return;
    }
    byte[] sig = state.manifestSignatureFileOrNull(ObjectId.fromString(hex));
    if (sig == null) {
      error(ex, 404, "no signatures for that manifest");
      return;
    }
    ex.getResponseHeaders().set("Cache-Control", "no-cache");
    send(ex, 200, "text/plain", sig);
  }

  private void delta(HttpExchange ex, StaticPaths.DeltaName name) throws IOException {
    if (name == null) {
      error(ex, 400, "a delta is at " + StaticPaths.DELTAS + "/{old-id's first two digits}/{old-id}-{new-id}");
      return;
    }
    byte[] d = deltas.deltaOrNull(name.from(), name.to());
    if (d == null) {
      error(ex, 404, "no such delta");
      return;
    }
    ex.getResponseHeaders().set("Cache-Control", IMMUTABLE);
    send(ex, 200, "application/octet-stream", d);
  }

  private void object(HttpExchange ex, String hex) throws IOException {
    if (hex == null || !ObjectId.isValid(hex)) {
      error(ex, 400, "not an object id; an object is at " + StaticPaths.OBJECTS + "/{its id's first two digits}/{id}");
      return;
    }
    ObjectId id = ObjectId.fromString(hex);
    ObjectInfo info = db.store().statOrNull(id);
    if (info == null) {
      error(ex, 404, "no such object");
      return;
    }
    String etag = "\"" + hex + "\"";
    var h = ex.getResponseHeaders();
    h.set("ETag", etag);
    h.set("Cache-Control", IMMUTABLE);
    h.set("Accept-Ranges", "bytes");
    h.set("X-Casfs-Type", info.type().name().toLowerCase(java.util.Locale.ROOT));
    h.set("X-Casfs-Sha256", info.sha256().name());
    h.set("Content-Type", "application/octet-stream");
    String inm = ex.getRequestHeaders().getFirst("If-None-Match");
    if (etag.equals(inm)) {
      ex.sendResponseHeaders(304, -1);
      return;
    }
    boolean headOnly = ex.getRequestMethod().equals("HEAD");
    ByteRange.Parsed r = ByteRange.parse(ex.getRequestHeaders().getFirst("Range"), info.size());
    if (r instanceof ByteRange.Unsatisfiable) {
      h.set("Content-Range", "bytes */" + info.size());
      ex.sendResponseHeaders(416, -1);
      return;
    }
    if (r instanceof ByteRange.Partial p) {
      ByteRange range = p.range();
      h.set("Content-Range", "bytes " + range.start() + "-" + range.endInclusive() + "/" + info.size());
      ex.sendResponseHeaders(206, headOnly ? -1 : range.length());
      if (!headOnly) {
        sendRange(ex, id, range);
      }
      return;
    }
    ex.sendResponseHeaders(200, headOnly ? -1 : info.size() == 0 ? -1 : info.size());
    if (!headOnly && info.size() > 0) {
      InputStream stored;
      try {
        stored = db.store().open(id);
      } catch (IOException e) {
        throw UnreadableObjects.naming(id, e);
      }
      try (InputStream in = UnreadableObjects.reporting(id, stored); OutputStream out = responseBody(ex)) {
        bytesSent.addAndGet(in.transferTo(out));
      }
    }
  }

  /** A range is sent from the loose file as it is; the client verifies the whole object. */
  private void sendRange(HttpExchange ex, ObjectId id, ByteRange range) throws IOException {
    Path loose = db.store() instanceof DiskObjectStore d ? d.loosePathOrNull(id) : null;
    try (OutputStream out = responseBody(ex)) {
      if (loose != null) {
        try (FileChannel ch = FileChannel.open(loose)) {
          long done = 0;
          var target = Channels.newChannel(out);
          while (done < range.length()) {
            long n = ch.transferTo(range.start() + done, range.length() - done, target);
            if (n <= 0) {
              throw new IOException("loose file of " + id + " is shorter than recorded");
            }
            done += n;
          }
          bytesSent.addAndGet(done);
        }
      } else {
        byte[] all = db.store().read(id);
        out.write(all, (int) range.start(), (int) range.length());
        bytesSent.addAndGet(range.length());
      }
    }
  }

  private void fetch(HttpExchange ex) throws IOException {
    byte[] body;
    try (InputStream in = ex.getRequestBody()) {
      body = in.readNBytes(config.maxRequestBytes() + 1);
    }
    if (body.length > config.maxRequestBytes()) {
      error(ex, 413, "fetch request over " + config.maxRequestBytes() + " bytes");
      return;
    }
    FetchRequest req = FetchRequest.parse(body);
    if (!db.isManifest(req.want())) {
      error(ex, 404, "this machine does not hold manifest " + req.want());
      return;
    }
    String accept = ex.getRequestHeaders().getFirst("Accept-Encoding");
    boolean zstd = config.zstdLevel() > 0 && accept != null && accept.contains("zstd");
    ex.getResponseHeaders().set("Content-Type", "application/vnd.casfs.fetch");
    if (zstd) {
      ex.getResponseHeaders().set("Content-Encoding", "zstd");
    }
    FetchStreamCache cache = recentStreams;
    FetchStreamCache.Key key = cache == null ? null : FetchStreamCache.key(body, zstd);
    try (FetchStreamCache.Kept kept = cache == null ? null : cache.getOrNull(key)) {
      if (kept != null) {
        fetchesFromCache.incrementAndGet();
        ex.sendResponseHeaders(200, kept.size());
        try (OutputStream out = new CountingOutputStream(responseBody(ex), bytesSent)) {
          kept.writeTo(out);
        }
        return;
      }
    }
    FetchPlanner.Plan plan = planner.plan(req);
    ex.sendResponseHeaders(200, 0);
    // counted adds to bytesSent as the stream goes (progress of long streams is visible)
    OutputStream counted = new CountingOutputStream(responseBody(ex), bytesSent);
    FetchStreamCache.Recorder recorder = cache == null ? null : cache.record(key, counted);
    OutputStream raw = new BufferedOutputStream(recorder == null ? counted : recorder, 256 * 1024);
    OutputStream out = zstd ? new ZstdOutputStream(raw, FetchStreamWriter.zstdLevel(plan, config.zstdLevel())) : raw;
    try {
      try (out) {
        new FetchStreamWriter(db, hooks).write(plan, req, out);
      }
      if (recorder != null) {
        recorder.keep();
      }
    } finally {
      if (recorder != null) {
        recorder.discard();
      }
    }
  }

  /**
   * Where a response's bytes go: the exchange's body, watched for a client that stops reading, and
   * through the upload limit if there is one (whose waits are not the client's stalls).
   */
  private OutputStream responseBody(HttpExchange ex) {
    RateLimit limit = uploads;
    OutputStream body = stalls.watch(ex.getResponseBody());
    return limit == null ? body : limit.wrap(body);
  }

  private void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    boolean headOnly = ex.getRequestMethod().equals("HEAD");
    ex.sendResponseHeaders(status, headOnly || body.length == 0 ? -1 : body.length);
    if (!headOnly) {
      try (OutputStream out = responseBody(ex)) {
        out.write(body);
      }
      bytesSent.addAndGet(body.length);
    }
  }

  private void error(HttpExchange ex, int status, String message) throws IOException {
    send(ex, status, "text/plain; charset=utf-8", (message + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** Stops accepting, lets running requests finish within the grace period, then stops the threads. */
  @Override
  public synchronized void close() {
    if (http == null) {
      return;
    }
    // The JDK server's own stop(delay) also waits for idle keep-alive connections; wait only for
    // requests in progress, then stop.
    closing = true;
    long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
    while (active.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    http.stop(0);
    stalls.close();
    pool.shutdown();
    try {
      if (!pool.awaitTermination(config.shutdownGrace().toMillis(), TimeUnit.MILLISECONDS)) {
        pool.shutdownNow();
      }
    } catch (InterruptedException e) {
      pool.shutdownNow();
      Thread.currentThread().interrupt();
    }
    http = null;
    if (recentStreams != null) {
      recentStreams.close();
    }
  }

  private static final class CountingOutputStream extends java.io.FilterOutputStream {
    private final AtomicLong total;

    CountingOutputStream(OutputStream out, AtomicLong total) {
      super(out);
      this.total = total;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      total.addAndGet(len);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      total.incrementAndGet();
    }
  }
}
