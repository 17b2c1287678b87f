package org.casfs.sync.server;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/**
 * The URLs clients can use for a server: its one address, or, when it listens on every address
 * (the wildcard, {@code --bind 0.0.0.0}, which the JDK reports as {@code ::}), this machine's
 * addresses: IPv4 first (link-local 169.254.x.x too: laptops on a switch without DHCP have only
 * those), then global IPv6, then loopback. IPv6 literals are bracketed; link-local IPv6 addresses
 * are left out (a URL needs the client's interface name for them). Stateless.
 */
public final class ServerUrls {
  private ServerUrls() {}

  /** {@code http://HOST:PORT} for one address, an IPv6 literal in brackets and short (RFC 5952). */
  public static String of(InetAddress host, int port) {
    String h = host instanceof Inet6Address ? "[" + shortIpv6(host.getAddress()) + "]" : host.getHostAddress();
    return "http://" + h + ":" + port;
  }

  /** The eight groups in lower-case hex, the longest run of two or more zero groups as "::". */
  private static String shortIpv6(byte[] a) {
    int[] g = new int[8];
    for (int i = 0; i < 8; i++) {
      g[i] = (a[2 * i] & 0xff) << 8 | a[2 * i + 1] & 0xff;
    }
    int bestStart = -1;
    int bestLen = 1;
    for (int i = 0; i < 8; ) {
      int j = i;
      while (j < 8 && g[j] == 0) {
        j++;
      }
      if (j - i > bestLen) {
        bestStart = i;
        bestLen = j - i;
      }
      i = Math.max(j, i + 1);
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLen - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(g[i]));
    }
    return sb.toString();
  }

  /** The URLs for a server bound to {@code bound}, given this machine's addresses. */
  public static List<String> reachable(InetSocketAddress bound, List<InetAddress> machine) {
    if (!bound.getAddress().isAnyLocalAddress()) {
      return List.of(of(bound.getAddress(), bound.getPort()));
    }
    List<InetAddress> usable = new ArrayList<>();
    for (InetAddress a : machine) {
      boolean needsZone = a instanceof Inet6Address && a.isLinkLocalAddress();
      if (!needsZone && !a.isAnyLocalAddress() && !a.isMulticastAddress()) {
        usable.add(a);
      }
    }
    usable.sort(Comparator.comparingInt(ServerUrls::rank));
    List<String> urls = new ArrayList<>();
    for (InetAddress a : usable) {
      String url = of(a, bound.getPort());
      if (!urls.contains(url)) {
        urls.add(url);
      }
    }
    return urls;
  }

  /** {@link #reachable} with the addresses of this machine's interfaces that are up. */
  public static List<String> reachable(InetSocketAddress bound) throws IOException {
    List<InetAddress> machine = new ArrayList<>();
    for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (ni.isUp()) {
        machine.addAll(Collections.list(ni.getInetAddresses()));
      }
    }
    return reachable(bound, machine);
  }

  private static int rank(InetAddress a) {
    return (a.isLoopbackAddress() ? 2 : 0) + (a instanceof Inet4Address ? 0 : 1);
  }
}
