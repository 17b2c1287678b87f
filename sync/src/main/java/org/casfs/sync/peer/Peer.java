package org.casfs.sync.peer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.Repository;
import org.casfs.sync.SyncState;
import org.casfs.sync.delta.DeltaFetchHook;
import org.casfs.sync.delta.DeltaFrameDecoder;
import org.casfs.sync.delta.TreeDeltaFrameDecoder;
import org.casfs.sync.delta.DeltaService;
import org.casfs.sync.delta.DeltaStore;
import org.casfs.sync.pull.AcceptedVersions;
import org.casfs.sync.pull.HttpSource;
import org.casfs.sync.pull.PullException;
import org.casfs.sync.pull.PullListener;
import org.casfs.sync.pull.TxnVersionRefs;
import org.casfs.sync.pull.PullProgress;
import org.casfs.sync.pull.Puller;
import org.casfs.sync.pull.Source;
import org.casfs.sync.wire.RateLimit;
import org.casfs.sync.server.Server;
import org.casfs.sync.server.ServerConfig;
import org.casfs.sync.trust.Head;
import org.casfs.sync.trust.HeadVerifier;
import org.casfs.sync.trust.SignatureException;
import org.casfs.sync.trust.SignedHead;
import org.casfs.sync.trust.TrustStore;
import org.casfs.txn.Completeness;
import org.casfs.txn.Versions;

/**
 * The peer daemon: serves the versions this machine holds, announces the newest one on the local
 * link, listens for neighbours, and when a neighbour offers a newer version of its channel pulls
 * it — from every neighbour that offers it at once ({@link SwarmSource}) — stages it and, with
 * auto-switch, flips to it; then offers it in turn. So an update spreads outward hop by hop.
 *
 * <p>Announcements are hints: a neighbour is believed only after its signed head passes the
 * same {@link HeadVerifier} as any server's (trusted key, own channel, newer, not expired), and
 * every object it sends is verified by the {@link Puller}. Neighbours that fail are left alone
 * for a growing while ({@link Penalties}); head reads are rate-limited ({@link TokenBucket}) so
 * an announcement flood costs bounded work. Uploads are bounded by the server's thread count.
 *
 * <p>After each update it pulls, and when an update does not fit on the disk, the peer runs gc
 * ({@link UpdateRoom}): a laptop nobody tends keeps a few versions, not every one it was sent,
 * and an update that needs the room old versions take goes on.
 *
 * <p>One line is logged per discovery, pull, switch and gc that removed something. Thread-safe;
 * one background thread does all pulling, so at most one pull runs at a time.
 */
public final class Peer implements AutoCloseable {
  private static final Duration STATUS_EVERY = Duration.ofSeconds(2);
  private static final long DELTA_BUDGET_BYTES = 256L << 20;

  private final PeerConfig config;
  private final Versions versions;
  private final Repository repo;
  private final SyncState state;
  private final TrustStore trust;
  private final Consumer<String> log;
  /** Null: no limit ({@link #limitUploads}). */
  private RateLimit uploadLimit;
  private final Clock clock;
  private final String channel;
  private final HeadVerifier verifier;
  private final Penalties penalties = new Penalties(Duration.ofSeconds(5), Duration.ofMinutes(10), 1024);
  private final TokenBucket headBudget;
  private final Map<String, Instant> lastPolled = new HashMap<>();
  private final AtomicReference<Transfer> transfer = new AtomicReference<>();
  /** Null: no scrub ({@link #scrub}). */
  private Scrub scrub;
  private Duration scrubEvery;
  private Duration scrubFirstDelay;
  private long scrubBytesPerSecond;
  private final UpdateRoom room;
  private final Object wake = new Object();
  private boolean wakeRequested;
  private Server server;
  private final SelfRepair selfRepair;
  /** Set by the update thread once {@link #lookForLackingVersions} ran. */
  private boolean checkedWhole;
  private DeltaStore deltas;
  private PeerFinder finder;
  private Thread updater;
  private volatile boolean closed;
  private volatile long pullsDone;
  private final TokenBucket discoveryLogBudget = new TokenBucket(2, 30);
  private final java.util.concurrent.atomic.AtomicLong suppressedDiscoveryLines = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong headChecks = new java.util.concurrent.atomic.AtomicLong();

  public Peer(PeerConfig config, Versions versions, TrustStore trust, Consumer<String> log, Clock clock) {
    this.config = Objects.requireNonNull(config, "config");
    this.versions = versions;
    this.repo = versions.repository();
    this.state = new SyncState(repo.kv());
    this.trust = trust;
    this.log = log;
    this.clock = clock;
    this.channel = repo.config().channel();
    this.verifier = new HeadVerifier(trust, channel, clock::millis);
    this.headBudget = new TokenBucket(config.headChecksPerSecond(),
        Math.max(1, (int) Math.ceil(config.headChecksPerSecond() * 2)));
    this.selfRepair = new SelfRepair(repo.objectDatabase().store(), log);
    this.room = new UpdateRoom(channel, repo.dir(), log, this::wakeUp);
  }

  /** Sends neighbours at most {@code limit}'s bytes a second in all; null (the default) for no limit. */
  public synchronized Peer limitUploads(RateLimit limit) {
    this.uploadLimit = limit;
    return this;
  }

  /** How this peer makes room (gc) after an update and when one does not fit; by default it does not. */
  public synchronized Peer housekeeping(Housekeeping h) {
    room.housekeeping(h);
    return this;
  }

  /**
   * Reads the whole store through the verifying read once every {@code every}, at most {@code
   * bytesPerSecond}, the first pass no sooner than {@code firstDelay} after start; what it finds
   * damaged is fetched again from the neighbours ({@link Scrub}). By default there is no scrub.
   */
  public synchronized Peer scrub(Duration every, Duration firstDelay, long bytesPerSecond) {
    this.scrubEvery = Objects.requireNonNull(every, "every");
    this.scrubFirstDelay = Objects.requireNonNull(firstDelay, "firstDelay");
    this.scrubBytesPerSecond = bytesPerSecond;
    return this;
  }

  /** Starts serving, announcing, browsing and the update loop. */
  public synchronized Peer start() throws IOException {
    ServerConfig sc = new ServerConfig(config.listen(), config.maxUploads(), 32 << 20, 1,
        Duration.ofSeconds(5));
    // Deltas: this peer keeps the deltas it receives and computes others on demand (bounded), so
    // a neighbour one version behind gets the small update, as from the origin.
    deltas = DeltaStore.openShared(repo.stagingDir("deltas"), DELTA_BUDGET_BYTES);
    DeltaService deltaService = DeltaService.forPeer(repo.objectDatabase(), deltas);
    server = new Server(repo.objectDatabase(), state, sc).deltaSource(deltaService)
        .addFetchHook(new DeltaFetchHook(deltaService)).logProblemsTo(log).limitUploads(uploadLimit)
        .onDamagedObject(this::reportDamaged).start();
    PeerFinderOptions fo = PeerFinderOptions.defaults(config.mdnsInterfaces())
        .withCapacity(config.neighbourCapacity());
    if (config.instanceName() != null) {
      fo = fo.withInstanceName(config.instanceName());
    }
    finder = new PeerFinder(fo, this::onNeighbour);
    finder.start(announcement());
    for (String url : config.staticPeers()) {
      finder.addStatic(staticAddress(url));
    }
    log.accept("peer serving on port " + port() + ", channel " + channel + ", offering "
        + describe(finder.current()) + ", mDNS on " + config.mdnsInterfaces().size()
        + " interface(s), " + config.staticPeers().size() + " static peer(s)");
    if (trust.isEmpty()) {
      log.accept("this peer trusts no key, so it will take no version from its neighbours (it still serves what it"
          + " has); run 'casfs trust KEY' with the origin's public key line");
    }
    updater = new Thread(this::loop, "casfs-peer-updater");
    updater.setDaemon(true);
    updater.start();
    if (scrubEvery != null) {
      scrub = new Scrub(repo.objectDatabase().store(), state, scrubEvery, scrubFirstDelay, scrubBytesPerSecond,
          this::reportDamaged, log, clock).start();
    }
    return this;
  }

  public int port() {
    return server.address().getPort();
  }

  public Server server() {
    return server;
  }

  public PeerFinder finder() {
    return finder;
  }

  /** Asks the update loop to look at the neighbours now (an announcement arrived, or a test). */
  public void wakeUp() {
    synchronized (wake) {
      wakeRequested = true;
      wake.notifyAll();
    }
  }

  /**
   * An object of this machine's store was found damaged (or gone) when read, by this peer's
   * server or by a mount in the same process: the update loop fetches it again from the
   * neighbours ({@link SelfRepair}).
   */
  public void reportDamaged(ObjectId id) {
    selfRepair.noticed(id);
    wakeUp();
  }

  private void onNeighbour(Neighbour n, NeighbourTable.Outcome outcome) {
    if (n == null) {
      return;
    }
    if (!discoveryLogBudget.tryAcquire()) {
      suppressedDiscoveryLines.incrementAndGet(); // a flood must not flood the log too
      wakeUp();
      return;
    }
    long suppressed = suppressedDiscoveryLines.getAndSet(0);
    if (suppressed > 0) {
      log.accept("(" + suppressed + " discovery lines suppressed: too many announcements)");
    }
    String what = n.announcement() == null ? "(version unknown yet)" : "offering " + describe(n.announcement());
    if (outcome == NeighbourTable.Outcome.ADDED) {
      log.accept("discovered " + n.source().name().toLowerCase() + " neighbour " + n.key() + " at "
          + n.baseUrl() + " " + what);
    } else {
      log.accept("neighbour " + n.key() + " at " + n.baseUrl() + " now " + what);
    }
    wakeUp();
  }

  private void loop() {
    Instant nextStatus = Instant.EPOCH;
    OnceWhileItLasts roundFailure = new OnceWhileItLasts("update round failed: ", "update rounds work again", log,
        () -> closed);
    OnceWhileItLasts statusFailure = new OnceWhileItLasts("cannot write the status file: ",
        "the status file is written again", log, () -> closed);
    while (!closed) {
      // One bad round (a neighbour, a disk hiccup) must not end the daemon's updates. Nor may a
      // round that ran out of heap: what it held is garbage once it has unwound, and a loop that
      // ended there left the laptop serving its old version for good, saying nothing.
      try {
        refreshOffer();
        if (!checkedWhole) {
          checkedWhole = true; // once, even if it fails: it must not hold up every round after
          lookForLackingVersions();
        }
        repairDamaged();
        round();
        roundFailure.ok();
      } catch (Exception | OutOfMemoryError e) {
        roundFailure.failed(e);
      }
      if (config.statusFile() != null && !clock.instant().isBefore(nextStatus)) {
        nextStatus = clock.instant().plus(STATUS_EVERY);
        try {
          writeStatus(config.statusFile());
          statusFailure.ok();
        } catch (Exception e) {
          statusFailure.failed(e);
        }
      }
      synchronized (wake) {
        if (!wakeRequested && !closed) {
          try {
            wake.wait(Math.min(config.pollInterval().toMillis(), STATUS_EVERY.toMillis()));
          } catch (InterruptedException e) {
            return;
          }
        }
        wakeRequested = false;
      }
    }
  }

  /**
   * The address of a static neighbour's base URL. An IPv6 literal names its interface when it is
   * link-local ({@code http://[fe80::1%25eth0]:7420}, RFC 6874, or {@code %eth0}): the only
   * addresses laptops have on a switch without DHCP. It was taken for a host name, which never
   * resolved.
   */
  static InetSocketAddress staticAddress(String url) throws UnknownHostException {
    HttpSource.checkUrl(url);
    URI u = URI.create(HttpSource.withJavaZone(url));
    int port = u.getPort() < 0 ? 80 : u.getPort();
    String host = u.getHost();
    if (host != null && host.startsWith("[") && host.endsWith("]")) {
      return new InetSocketAddress(InetAddress.getByName(host.substring(1, host.length() - 1)), port);
    }
    return new InetSocketAddress(host, port);
  }

  /** Announces whatever head is offered now (after a pull, or a publish on an origin). */
  private void refreshOffer() throws IOException {
    offerWhatRuns();
    Announcement now = announcement();
    if (!now.equals(finder.current())) {
      finder.update(now);
    }
  }

  /**
   * Offers the version this machine runs when it offers an older one (a pull cut off between its
   * switch and its offer): its neighbours would otherwise not get it from here until the next update.
   */
  private void offerWhatRuns() throws IOException {
    String done = state.offerWhatRunsOrNull(versions.refs().currentOrNull(), channel);
    if (done != null) {
      log.accept(done);
    }
  }

  private Announcement announcement() throws IOException {
    int port = port();
    SignedHead offered = state.offeredHeadOrNull();
    if (offered == null) {
      return Announcement.nothing(channel, port);
    }
    try {
      Head h = offered.headUnverified();
      return Announcement.of(h.channel(), h.sequence(), h.manifestId(), port);
    } catch (SignatureException e) {
      throw new IOException("the offered head does not decode: " + e.getMessage(), e);
    }
  }

  /**
   * The sequence this machine already has on its channel: what runs, or what it staged or offers,
   * if higher ({@link AcceptedVersions}, as the puller judges heads).
   */
  long haveSequence() throws IOException {
    return AcceptedVersions.of(repo.objectDatabase(), state, new TxnVersionRefs(versions), verifier).have();
  }

  private record Offer(Neighbour neighbour, SignedHead signed, Head head) {}

  private void round() throws IOException {
    long have = haveSequence();
    Instant now = clock.instant();
    List<Neighbour> candidates = new ArrayList<>();
    for (Neighbour n : finder.neighbours()) {
      if (!penalties.allowed(n.key(), now)) {
        continue;
      }
      boolean claimsNewer = n.announcement() != null && n.announcement().offersNewer(channel, have);
      // Static neighbours have no announcements, and an announcement can be lost (multicast is
      // unreliable, more so under a flood): so static and known-honest neighbours are also
      // polled every pollInterval. Their number is bounded by the table.
      boolean poll = (n.source() == Neighbour.Source.STATIC || n.verified()) && due(n.key(), now);
      if (claimsNewer || poll) {
        candidates.add(n);
      }
    }
    lastPolled.keySet().retainAll(finder.neighbours().stream().map(Neighbour::key).toList());
    if (candidates.isEmpty()) {
      return;
    }
    // Neighbours that served a valid head before go first: an announced sequence is the
    // announcer's claim, so ordering by it would let a flood of fake "sequence 99" names starve
    // the real neighbours. The unverified rest go in random order, which gives a real newcomer a
    // fair share of the head-read budget however many fakes surround it.
    Collections.shuffle(candidates);
    candidates.sort(Comparator.comparing((Neighbour n) -> !n.verified()));
    List<Offer> offers = new ArrayList<>();
    for (Neighbour n : candidates) {
      if (!headBudget.tryAcquire()) {
        break; // the rest wait for the next round: bounded work whatever the link announces
      }
      if (n.source() == Neighbour.Source.STATIC || n.verified()) {
        lastPolled.put(n.key(), now); // polled ones only: a flood must not grow this map
      }
      headChecks.incrementAndGet();
      Offer o = readHead(n, have);
      if (o != null) {
        offers.add(o);
      }
    }
    if (offers.isEmpty()) {
      return;
    }
    long best = offers.stream().mapToLong(o -> o.head().sequence()).max().orElseThrow();
    ObjectId bestId = offers.stream().filter(o -> o.head().sequence() == best).findFirst()
        .orElseThrow().head().manifestId();
    List<Offer> sources = offers.stream().filter(o -> o.head().sequence() == best
        && o.head().manifestId().equals(bestId)).toList();
    pull(sources);
  }

  /**
   * Once, at start: every version this machine keeps (current, previous, staged, pins) must be
   * whole. One that lacks objects (its database was salvaged before the daemon started, or files
   * were lost) is repaired from the neighbours, as a damaged object is.
   */
  private void lookForLackingVersions() throws IOException {
    for (ObjectId version : new LinkedHashSet<>(versions.refs().all().values())) {
      Completeness.Result r = versions.completeness().check(version);
      if (!r.complete() && r.missing() != null) {
        log.accept("version " + version.name() + " lacks objects (" + r.missing().name() + " first): fetching them"
            + " from the neighbours");
        selfRepair.lacking(r.missing());
      }
    }
  }

  /** Repairs what this machine found damaged, from the neighbours known to serve valid heads. */
  private void repairDamaged() throws IOException {
    Instant now = clock.instant();
    if (!selfRepair.isDue(now)) {
      return;
    }
    List<Source> sources = new ArrayList<>();
    for (Neighbour n : finder.neighbours()) {
      if ((n.source() == Neighbour.Source.STATIC || n.verified()) && penalties.allowed(n.key(), now)) {
        sources.add(new HttpSource(n.baseUrl().toString(), config.pull()));
      }
    }
    Set<ObjectId> held = new LinkedHashSet<>(versions.refs().all().values());
    try {
      selfRepair.runIfDue(sources, held, (from, damaged, of) -> newPuller().repair(from, damaged, of), now);
    } finally {
      for (Source s : sources) {
        s.close();
      }
    }
  }

  private Puller newPuller() throws IOException {
    return new Puller(repo.objectDatabase(), state, trust, channel, new TxnVersionRefs(versions), config.pull(),
        repo.dir(), clock::millis)
        .addDecoder(new DeltaFrameDecoder(repo.stagingDir("delta-tmp"), deltas))
        .addDecoder(new TreeDeltaFrameDecoder());
  }

  private boolean due(String key, Instant now) {
    Instant last = lastPolled.get(key);
    return last == null || !now.isBefore(last.plus(config.pollInterval()));
  }

  private Offer readHead(Neighbour n, long have) {
    String url = n.baseUrl().toString();
    try {
      HttpSource src = new HttpSource(url, config.pull());
      SignedHead signed = SignedHead.parse(src.head());
      Head head = verifier.verify(signed, have);
      finder.table().markVerified(n.key(), true);
      penalties.succeed(n.key());
      return new Offer(n, signed, head);
    } catch (SignatureException e) {
      boolean claimedNewer = n.announcement() != null && n.announcement().offersNewer(channel, have);
      if (e.reason() == SignatureException.Reason.NOT_NEWER && !claimedNewer) {
        return null; // an honest neighbour with nothing new for us: poll again later
      }
      // It announced something its signed head does not back: a liar, or a bad key.
      finder.table().markVerified(n.key(), false);
      if (penalties.fail(n.key(), e.reason().name(), clock.instant())) {
        log.accept("ignored neighbour " + n.key() + " at " + url + ": " + e.getMessage());
      }
      return null;
    } catch (IOException | RuntimeException e) {
      if (penalties.fail(n.key(), "unreachable", clock.instant())) {
        log.accept("neighbour " + n.key() + " at " + url + " did not answer: " + e.getMessage());
      }
      return null;
    }
  }

  private void pull(List<Offer> offers) throws IOException {
    Head head = offers.get(0).head();
    SignedHead signed = offers.get(0).signed();
    List<String> urls = new ArrayList<>();
    List<Source> sources = new ArrayList<>();
    Map<String, Neighbour> byUrl = new LinkedHashMap<>();
    for (Offer o : offers) {
      String url = o.neighbour().baseUrl().toString();
      urls.add(url);
      byUrl.put(stripSlash(url), o.neighbour());
      sources.add(new HttpSource(url, config.pull()));
    }
    long started = clock.millis();
    SwarmSource swarm = sources.size() > 1 ? new SwarmSource("neighbours " + urls,
        signed.encode(), sources, repo.stagingDir("swarm"), log) : null;
    Source source = swarm != null ? swarm : sources.get(0);
    transfer.set(new Transfer(channel, head.sequence(), head.manifestId().name(), urls, "head", 0,
        0, 0, 0, List.of(), started, 0, "running"));
    // The pull reads the head again: it must not take one older than the head read here.
    Puller puller = newPuller().atLeast(head.sequence())
        .listener(new PullListener() {
          @Override
          public void progress(PullProgress p) {
            transfer.set(new Transfer(channel, head.sequence(), head.manifestId().name(), urls,
                p.phase(), p.bytesDone(), p.bytesTotal(), p.objectsDone(), p.objectsTotal(),
                perSource(sources), started, 0, "running"));
          }

          @Override
          public void note(String message) {
            log.accept("pull: " + message);
          }
        });
    try (source) {
      Puller.Result r = puller.pull(List.of(source), config.autoSwitch()); // and offers it on
      if (r.upToDate()) { // the neighbours went back to what runs here since their heads were read
        transfer.set(new Transfer(channel, r.sequence(), r.manifest().name(), urls, "done", 0, 0, 0, 0,
            perSource(sources), started, clock.millis(), "up to date"));
        return;
      }
      pullsDone++;
      List<Long> per = perSource(sources);
      // What the pull took, which is what the source offered when the pull asked, not
      // necessarily what it offered a moment before: a neighbour that took a newer version in
      // between gives that one, and the log once named the older one, as if it had been taken.
      transfer.set(new Transfer(channel, r.sequence(), r.manifest().name(), urls, "done",
          r.bytesStored(), r.bytesStored(), r.objectsFetched(), r.objectsFetched(), per, started,
          clock.millis(), r.switched() ? "switched" : "staged"));
      StringBuilder shares = new StringBuilder();
      for (int i = 0; i < urls.size(); i++) {
        shares.append(i == 0 ? "" : ", ").append(urls.get(i)).append('=').append(per.get(i));
      }
      log.accept("pulled " + channel + "#" + r.sequence() + " " + r.manifest() + " from "
          + urls.size() + " source(s) in " + (clock.millis() - started) + " ms: "
          + r.objectsFetched() + " objects, " + r.bytesReceived() + " bytes received (" + shares + ")");
      if (r.switched()) {
        log.accept("switched to " + channel + "#" + r.sequence() + " " + r.manifest());
      }
      refreshOffer();
      room.afterUpdate();
    } catch (IOException e) {
      transfer.set(new Transfer(channel, head.sequence(), head.manifestId().name(), urls, "failed",
          0, 0, 0, 0, perSource(sources), started, clock.millis(),
          "failed: " + e.getMessage()));
      boolean noSpace = e instanceof PullException pe && pe.kind() == PullException.Kind.NO_SPACE;
      // Said once per version: a disk stays full for days, and the pull is retried every poll.
      boolean again = noSpace && room.refusedBefore(head);
      if (!again) {
        log.accept("pull of " + channel + "#" + head.sequence() + " from " + urls + " failed: "
            + e.getMessage());
      }
      if (noSpace && !again) {
        room.makeRoomFor(head);
      }
      for (Offer o : offers) {
        String url = stripSlash(o.neighbour().baseUrl().toString());
        boolean bad = swarm == null ? !(e instanceof PullException pe
            && pe.kind() == PullException.Kind.NO_SPACE) : swarm.dropped(url);
        if (bad) {
          penalties.fail(o.neighbour().key(), "pull failed", clock.instant());
          finder.table().markVerified(o.neighbour().key(), false);
        }
      }
    } finally {
      if (swarm != null) {
        for (SwarmSource.LaneStats l : swarm.lanes()) {
          Neighbour n = byUrl.get(l.name());
          if (l.dropped() && n != null) {
            penalties.fail(n.key(), "dropped: " + l.droppedWhy(), clock.instant());
            finder.table().markVerified(n.key(), false);
          }
        }
      }
    }
  }

  private static String stripSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  private static List<Long> perSource(List<Source> sources) {
    List<Long> out = new ArrayList<>();
    for (Source s : sources) {
      out.add(s.bytesReceived());
    }
    return out;
  }

  private static String describe(Announcement a) {
    return a.channel() + "#" + a.sequence() + " " + a.manifestId().name().substring(0, 12);
  }

  /** How many neighbour heads this peer has read (bounded by the head-read budget). */
  public long headChecks() {
    return headChecks.get();
  }

  /** A consistent picture for {@code casfs status}. */
  public PeerStatus status() throws IOException {
    return new PeerStatus(channel, port(), finder.current(), haveSequence(), finder.neighbours(),
        transfer.get(), pullsDone, server.requestCount(), server.bytesSent(), finder.stats(), state.lastScrubMillis(),
        selfRepair.pending());
  }

  /** Writes {@link #status()} to {@code file} atomically (temp file, rename). */
  public void writeStatus(Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, status().toText());
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    if (scrub != null) {
      scrub.close();
    }
    wakeUp();
    if (updater != null) {
      try {
        updater.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (finder != null) {
      finder.close();
    }
    if (server != null) {
      server.close();
    }
    if (config.statusFile() != null) {
      try {
        // A status file outliving its daemon would show neighbours and transfers that are gone.
        Files.deleteIfExists(config.statusFile());
      } catch (IOException e) {
        log.accept("could not remove " + config.statusFile() + ": " + e.getMessage());
      }
    }
  }
}
