package org.casfs.sync.peer;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Instant;
import java.util.Objects;

/**
 * A machine seen nearby, as last reported: where to reach it, what it announced (null for a
 * static neighbour whose head has not been read yet) and when it was last heard from.
 * Immutable; the {@link NeighbourTable} replaces entries as news arrives.
 *
 * @param key stable identity: the DNS-SD instance name, or the URL of a static neighbour
 * @param verified whether this neighbour has served a head that passed verification; verified
 *     neighbours keep their place in a full table, unverified ones make room
 */
public record Neighbour(String key, InetSocketAddress address, Announcement announcement,
    Instant lastSeen, Source source, boolean verified) {

  /** How a neighbour became known. */
  public enum Source { MDNS, STATIC }

  public Neighbour {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(lastSeen, "lastSeen");
    Objects.requireNonNull(source, "source");
  }

  /** The base URL of the neighbour's casfs server, e.g. {@code http://10.0.0.2:7420/}. */
  public URI baseUrl() {
    String host = address.getAddress() != null ? address.getAddress().getHostAddress()
        : address.getHostString();
    if (host.indexOf(':') >= 0) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + address.getPort() + "/");
  }

  Neighbour seenAgain(Announcement newer, Instant when) {
    return new Neighbour(key, address, newer != null ? newer : announcement, when, source, verified);
  }

  Neighbour withVerified(boolean nowVerified) {
    return new Neighbour(key, address, announcement, lastSeen, source, nowVerified);
  }
}
