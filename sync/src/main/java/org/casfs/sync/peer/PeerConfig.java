package org.casfs.sync.peer;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.casfs.sync.pull.PullConfig;

/**
 * How a {@link Peer} daemon runs. Immutable.
 *
 * @param listen where the HTTP server listens (all addresses by default)
 * @param mdnsInterfaces interface addresses to announce and browse on, one mDNS responder each;
 *     empty disables multicast discovery (static peers only)
 * @param staticPeers base URLs of neighbours multicast cannot find ({@code --peers})
 * @param autoSwitch flip to a pulled version at once (otherwise it is only staged)
 * @param maxUploads requests served at once; more wait, so a popular laptop stays usable
 * @param pollInterval how often heads of static neighbours (and, as a safety net, of every
 *     neighbour announcing something newer) are read
 * @param headChecksPerSecond average rate of head reads, bounding work under an announcement flood
 * @param neighbourCapacity most multicast neighbours remembered
 * @param instanceName the DNS-SD instance name (null: random {@code casfs-XXXXXX})
 * @param statusFile where the daemon writes its status for {@code casfs status} (null: none)
 */
public record PeerConfig(InetSocketAddress listen, List<InetAddress> mdnsInterfaces,
    List<String> staticPeers, boolean autoSwitch, int maxUploads, Duration pollInterval,
    double headChecksPerSecond, int neighbourCapacity, String instanceName, PullConfig pull,
    Path statusFile) {

  public PeerConfig {
    Objects.requireNonNull(listen, "listen");
    mdnsInterfaces = List.copyOf(mdnsInterfaces);
    staticPeers = List.copyOf(staticPeers);
    Objects.requireNonNull(pollInterval, "pollInterval");
    Objects.requireNonNull(pull, "pull");
    if (maxUploads < 1) {
      throw new IllegalArgumentException("maxUploads must be at least 1: " + maxUploads);
    }
    if (headChecksPerSecond <= 0) {
      throw new IllegalArgumentException("headChecksPerSecond must be positive");
    }
  }

  public static PeerConfig defaults(int port) {
    return new PeerConfig(new InetSocketAddress(port), List.of(), List.of(), false, 8,
        Duration.ofSeconds(10), 4, 64, null, PullConfig.defaults(), null);
  }

  public PeerConfig withMdns(List<InetAddress> interfaces) {
    return new PeerConfig(listen, interfaces, staticPeers, autoSwitch, maxUploads, pollInterval,
        headChecksPerSecond, neighbourCapacity, instanceName, pull, statusFile);
  }

  public PeerConfig withStaticPeers(List<String> urls) {
    return new PeerConfig(listen, mdnsInterfaces, urls, autoSwitch, maxUploads, pollInterval,
        headChecksPerSecond, neighbourCapacity, instanceName, pull, statusFile);
  }

  public PeerConfig withAutoSwitch(boolean on) {
    return new PeerConfig(listen, mdnsInterfaces, staticPeers, on, maxUploads, pollInterval,
        headChecksPerSecond, neighbourCapacity, instanceName, pull, statusFile);
  }

  public PeerConfig withMaxUploads(int n) {
    return new PeerConfig(listen, mdnsInterfaces, staticPeers, autoSwitch, n, pollInterval,
        headChecksPerSecond, neighbourCapacity, instanceName, pull, statusFile);
  }

  public PeerConfig withPollInterval(Duration d) {
    return new PeerConfig(listen, mdnsInterfaces, staticPeers, autoSwitch, maxUploads, d,
        headChecksPerSecond, neighbourCapacity, instanceName, pull, statusFile);
  }

  public PeerConfig withInstanceName(String name) {
    return new PeerConfig(listen, mdnsInterfaces, staticPeers, autoSwitch, maxUploads, pollInterval,
        headChecksPerSecond, neighbourCapacity, name, pull, statusFile);
  }

  public PeerConfig withPull(PullConfig p) {
    return new PeerConfig(listen, mdnsInterfaces, staticPeers, autoSwitch, maxUploads, pollInterval,
        headChecksPerSecond, neighbourCapacity, instanceName, p, statusFile);
  }

  public PeerConfig withStatusFile(Path file) {
    return new PeerConfig(listen, mdnsInterfaces, staticPeers, autoSwitch, maxUploads, pollInterval,
        headChecksPerSecond, neighbourCapacity, instanceName, pull, file);
  }

  public PeerConfig withHeadChecks(double perSecond, int capacity) {
    return new PeerConfig(listen, mdnsInterfaces, staticPeers, autoSwitch, maxUploads, pollInterval,
        perSecond, capacity, instanceName, pull, statusFile);
  }
}
