package org.casfs.sync.peer;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link PeerFinder} runs: which interface addresses it binds (one mDNS responder each),
 * the DNS-SD instance and host names, and the bounds that hold under an announcement flood.
 * Immutable; build with {@link #defaults(List)} and the {@code with…} methods.
 *
 * @param capacity most multicast neighbours kept at once
 * @param ttl a neighbour not heard from for this long is forgotten
 * @param resolvesPerSecond average rate of service resolutions this peer asks for
 * @param resolveBurst how many resolutions may be asked for at once
 */
public record PeerFinderOptions(List<InetAddress> interfaces, String instanceName, String hostName,
    int capacity, Duration ttl, double resolvesPerSecond, int resolveBurst, Clock clock) {

  public PeerFinderOptions {
    // No interface at all is allowed: static neighbours only, nothing multicast.
    interfaces = List.copyOf(interfaces);
    Objects.requireNonNull(instanceName, "instanceName");
    if (instanceName.isEmpty() || instanceName.length() > 63) {
      throw new IllegalArgumentException("instance name must be 1 to 63 characters: " + instanceName);
    }
    Objects.requireNonNull(hostName, "hostName");
    Objects.requireNonNull(ttl, "ttl");
    Objects.requireNonNull(clock, "clock");
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
    }
  }

  /** Sensible defaults: 64 neighbours, 3 minutes ttl, 5 resolutions a second (burst 20). */
  public static PeerFinderOptions defaults(List<InetAddress> interfaces) {
    String suffix = HexFormat.of().formatHex(new SecureRandom().generateSeed(3));
    return new PeerFinderOptions(interfaces, "casfs-" + suffix, "casfs-" + suffix, 64,
        Duration.ofMinutes(3), 5, 20, Clock.systemUTC());
  }

  public PeerFinderOptions withInstanceName(String name) {
    return new PeerFinderOptions(interfaces, name, name, capacity, ttl, resolvesPerSecond,
        resolveBurst, clock);
  }

  public PeerFinderOptions withCapacity(int newCapacity) {
    return new PeerFinderOptions(interfaces, instanceName, hostName, newCapacity, ttl,
        resolvesPerSecond, resolveBurst, clock);
  }

  public PeerFinderOptions withTtl(Duration newTtl) {
    return new PeerFinderOptions(interfaces, instanceName, hostName, capacity, newTtl,
        resolvesPerSecond, resolveBurst, clock);
  }

  public PeerFinderOptions withResolveRate(double perSecond, int burst) {
    return new PeerFinderOptions(interfaces, instanceName, hostName, capacity, ttl, perSecond,
        burst, clock);
  }
}
