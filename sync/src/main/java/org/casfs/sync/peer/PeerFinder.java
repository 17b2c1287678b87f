package org.casfs.sync.peer;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.jmdns.JmDNS;
import javax.jmdns.ServiceEvent;
import javax.jmdns.ServiceInfo;
import javax.jmdns.ServiceListener;

/**
 * Announces this peer on the local link by mDNS/DNS-SD ({@code _casfs._tcp}) and browses for
 * neighbours doing the same, keeping what it hears in a bounded {@link NeighbourTable}.
 *
 * <p>One JmDNS responder runs per chosen interface address, so a machine with two links (a
 * laptop bridging two rooms, a namespace with two veth ends) is seen on both and hears both.
 * mDNS is link-local: only direct neighbours are ever heard, which is what makes updates spread
 * hop by hop.
 *
 * <p>Work under an announcement flood is bounded: the table is capped, resolutions we ask for
 * are rate-limited by a {@link TokenBucket}, and malformed or foreign TXT records are dropped
 * after a size check. JmDNS's own record cache is outside our control; its entries expire with
 * their TTL (measured in the flood test).
 *
 * <p>Thread-safe. Listener callbacks run on JmDNS threads and must return quickly.
 */
public final class PeerFinder implements AutoCloseable {
  /** The DNS-SD service type, fully qualified as JmDNS wants it. */
  public static final String SERVICE_TYPE = "_casfs._tcp.local.";
  private static final int MAX_TXT_BYTES = 1300;

  /** Called when the table learns something new about a neighbour. */
  @FunctionalInterface
  public interface Listener {
    void neighbourChanged(Neighbour neighbour, NeighbourTable.Outcome outcome);
  }

  private final PeerFinderOptions options;
  private final Listener listener;
  private final NeighbourTable table;
  private final TokenBucket resolveBudget;
  private final Clock clock;
  private final List<JmDNS> responders = new ArrayList<>();
  private final Map<JmDNS, ServiceInfo> registered = new HashMap<>();
  private final Set<String> ownNames = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService housekeeping;
  private final AtomicLong announcementsHeard = new AtomicLong();
  private final AtomicLong resolutionsAsked = new AtomicLong();
  private final AtomicLong resolutionsSkipped = new AtomicLong();
  private final AtomicLong malformed = new AtomicLong();
  private volatile Announcement current;
  private volatile boolean closed;

  public PeerFinder(PeerFinderOptions options, Listener listener) {
    this.options = Objects.requireNonNull(options, "options");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.clock = options.clock();
    this.table = new NeighbourTable(options.capacity(), options.ttl());
    this.resolveBudget = new TokenBucket(options.resolvesPerSecond(), options.resolveBurst());
    this.housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "casfs-peerfinder-expiry");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Starts one responder per interface address, announces {@code announcement} on each (this
   * blocks for the few hundred milliseconds mDNS probing takes) and starts browsing.
   */
  public synchronized void start(Announcement announcement) throws IOException {
    if (!responders.isEmpty() || closed) {
      throw new IllegalStateException("PeerFinder already started or closed");
    }
    current = Objects.requireNonNull(announcement, "announcement");
    try {
      for (InetAddress address : options.interfaces()) {
        JmDNS jmdns = JmDNS.create(address, options.hostName());
        responders.add(jmdns);
        ServiceInfo info = serviceInfo(announcement);
        jmdns.registerService(info);
        // JmDNS renames on a conflict; remember what the link knows us as.
        ownNames.add(info.getName());
        registered.put(jmdns, info);
        jmdns.addServiceListener(SERVICE_TYPE, new Browser(jmdns));
      }
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
    long period = Math.max(1, options.ttl().toMillis() / 4);
    housekeeping.scheduleWithFixedDelay(() -> table.expire(clock.instant()), period, period,
        TimeUnit.MILLISECONDS);
  }

  /**
   * Changes what this peer announces (a new version was switched to). The TXT record is updated
   * in place, which mDNS sends as an unsolicited announcement with the cache-flush bit, so
   * browsers replace the old record.
   */
  public synchronized void update(Announcement announcement) {
    Objects.requireNonNull(announcement, "announcement");
    if (announcement.equals(current)) {
      return;
    }
    current = announcement;
    for (ServiceInfo info : registered.values()) {
      info.setText(announcement.toTxt());
    }
  }

  /** Adds a neighbour that multicast cannot find (from {@code --peers}). */
  public void addStatic(InetSocketAddress address) {
    String key = "static:" + address.getHostString() + ":" + address.getPort();
    Neighbour n = new Neighbour(key, address, null, clock.instant(), Neighbour.Source.STATIC,
        false);
    NeighbourTable.Outcome outcome = table.offer(n);
    listener.neighbourChanged(table.get(key), outcome);
  }

  public Announcement current() {
    return current;
  }

  public NeighbourTable table() {
    return table;
  }

  public List<Neighbour> neighbours() {
    return table.snapshot();
  }

  /** The names this peer is announced under (one per responder, usually all equal). */
  public Set<String> ownNames() {
    return Collections.unmodifiableSet(ownNames);
  }

  /** Counters for status and for the flood test. */
  public record Stats(long announcementsHeard, long resolutionsAsked, long resolutionsSkipped,
      long malformed, int neighbours, long evictions, long rejections) {}

  public Stats stats() {
    return new Stats(announcementsHeard.get(), resolutionsAsked.get(), resolutionsSkipped.get(),
        malformed.get(), table.size(), table.evictions(), table.rejections());
  }

  @Override
  public synchronized void close() {
    closed = true;
    housekeeping.shutdownNow();
    for (JmDNS jmdns : responders) {
      try {
        // unregisterAllServices sends goodbye packets (TTL 0) so neighbours forget us at once.
        jmdns.unregisterAllServices();
        jmdns.close();
      } catch (IOException | RuntimeException e) {
        // Closing is best effort; the responder's threads are daemons either way.
      }
    }
    responders.clear();
    registered.clear();
  }

  private ServiceInfo serviceInfo(Announcement a) {
    return ServiceInfo.create(SERVICE_TYPE, options.instanceName(), a.port(), 0, 0, a.toTxt());
  }

  /** Turns a resolved DNS-SD service into a table entry, or null if it is not usable. */
  private Neighbour toNeighbour(ServiceInfo info) {
    byte[] text = info.getTextBytes();
    if (text == null || text.length > MAX_TXT_BYTES) {
      return null;
    }
    Map<String, String> txt = new HashMap<>();
    for (String key : Collections.list(info.getPropertyNames())) {
      String value = info.getPropertyString(key);
      if (value != null) {
        txt.put(key, value);
      }
    }
    Optional<Announcement> announcement = Announcement.fromTxt(txt);
    Inet4Address[] addresses = info.getInet4Addresses();
    if (announcement.isEmpty() || addresses.length == 0
        || announcement.get().port() != info.getPort()) {
      return null;
    }
    InetSocketAddress address = new InetSocketAddress(addresses[0], info.getPort());
    return new Neighbour(info.getName(), address, announcement.get(), clock.instant(),
        Neighbour.Source.MDNS, false);
  }

  private final class Browser implements ServiceListener {
    private final JmDNS jmdns;

    Browser(JmDNS jmdns) {
      this.jmdns = jmdns;
    }

    @Override
    public void serviceAdded(ServiceEvent event) {
      announcementsHeard.incrementAndGet();
      if (closed || ownNames.contains(event.getName())) {
        return;
      }
      if (event.getInfo() != null && event.getInfo().hasData()) {
        serviceResolved(event);
        return;
      }
      // Asking costs a query on the link and a resolution in JmDNS: ration it.
      if (resolveBudget.tryAcquire()) {
        resolutionsAsked.incrementAndGet();
        jmdns.requestServiceInfo(event.getType(), event.getName(), false, 1000);
      } else {
        resolutionsSkipped.incrementAndGet();
      }
    }

    @Override
    public void serviceRemoved(ServiceEvent event) {
      if (!ownNames.contains(event.getName())) {
        Neighbour gone = table.get(event.getName());
        if (gone != null && gone.source() == Neighbour.Source.MDNS) {
          table.remove(event.getName());
        }
      }
    }

    @Override
    public void serviceResolved(ServiceEvent event) {
      if (closed || ownNames.contains(event.getName())) {
        return;
      }
      Neighbour n = toNeighbour(event.getInfo());
      if (n == null) {
        malformed.incrementAndGet();
        return;
      }
      NeighbourTable.Outcome outcome = table.offer(n);
      if (outcome == NeighbourTable.Outcome.ADDED || outcome == NeighbourTable.Outcome.CHANGED) {
        listener.neighbourChanged(table.get(n.key()), outcome);
      }
    }
  }
}
