package org.casfs.sync.peer;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real Linux network plumbing for tests: veth pairs and network namespaces made with iproute2,
 * every one removed by {@link #close()} (in reverse order) even when the test failed. Names carry
 * a random tag so parallel runs never collide, and only links this lab made are ever deleted.
 * Needs root; {@link #available()} tells a test whether to skip.
 */
final class NetLab implements AutoCloseable {
  private final String tag;
  private final Deque<List<String>> undo = new ArrayDeque<>();
  private final List<String> namespaces = new ArrayList<>();
  private int links;

  NetLab() {
    byte[] r = new SecureRandom().generateSeed(2);
    tag = String.format("%02x%02x", r[0], r[1]);
  }

  /** True when this process may create namespaces and links (root, iproute2 present). */
  static boolean available() {
    try {
      Process p = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor() == 0 && "root".equals(System.getProperty("user.name"));
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  String tag() {
    return tag;
  }

  /** Creates namespace {@code casfs-TAG-name} with loopback up and multicast-capable. */
  String namespace(String name) throws IOException {
    String ns = "casfs-" + tag + "-" + name;
    run("ip", "netns", "add", ns);
    undo.push(List.of("ip", "netns", "del", ns));
    namespaces.add(ns);
    run("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
    run("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "multicast", "on");
    return ns;
  }

  /**
   * Links two places with a veth pair; {@code nsA}/{@code nsB} null means the root namespace.
   * Addresses {@code 10.(77+subnet/250).(subnet%250).1/24} and {@code .2/24}. Returns the two
   * interface names. A multicast route is added on the first link of each namespace so that
   * sockets without an explicit interface still reach mDNS.
   */
  String[] link(String nsA, String nsB, int subnet, InetAddress[] addressesOut) throws IOException {
    int n = links++;
    String a = "cf" + tag + "a" + n;
    String b = "cf" + tag + "b" + n;
    if (a.length() > 15) {
      throw new IllegalStateException("interface name too long: " + a);
    }
    run("ip", "link", "add", a, "type", "veth", "peer", "name", b);
    // Deleting one end deletes both; moving into a namespace that is deleted deletes it too.
    undo.push(List.of("ip", "link", "del", a));
    String prefix = "10." + (77 + subnet / 250) + "." + (subnet % 250) + ".";
    configure(nsA, a, prefix + "1/24");
    configure(nsB, b, prefix + "2/24");
    if (addressesOut != null) {
      addressesOut[0] = InetAddress.getByName(prefix + "1");
      addressesOut[1] = InetAddress.getByName(prefix + "2");
    }
    return new String[] {a, b};
  }

  /**
   * Links two namespaces with a veth pair that has no IPv4 address: each end has only the IPv6
   * link-local address the kernel gives it, as laptops on a switch without a DHCP server do.
   * Returns the two interface names and, in {@code addressesOut}, the two addresses once usable
   * (duplicate address detection done).
   */
  String[] linkLocalOnly(String nsA, String nsB, String[] addressesOut) throws IOException, InterruptedException {
    int n = links++;
    String a = "cf" + tag + "a" + n;
    String b = "cf" + tag + "b" + n;
    run("ip", "link", "add", a, "type", "veth", "peer", "name", b);
    undo.push(List.of("ip", "link", "del", a));
    String[][] ends = {{nsA, a}, {nsB, b}};
    for (String[] end : ends) {
      run("ip", "link", "set", end[1], "netns", end[0]);
      inNs(end[0], "ip", "link", "set", end[1], "up");
    }
    for (int i = 0; i < 2; i++) {
      addressesOut[i] = linkLocalAddress(ends[i][0], ends[i][1]);
    }
    return new String[] {a, b};
  }

  private String linkLocalAddress(String ns, String dev) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      for (String line : capture(ns, "ip", "-6", "addr", "show", "dev", dev).split("\n")) {
        line = line.strip();
        if (line.startsWith("inet6 fe80:") && !line.contains("tentative")) {
          return line.split("\\s+")[1].split("/")[0];
        }
      }
      Thread.sleep(100);
    }
    throw new IOException("no usable link-local address on " + dev + " in " + ns + " after 20 s");
  }

  private void configure(String ns, String dev, String cidr) throws IOException {
    if (ns != null) {
      run("ip", "link", "set", dev, "netns", ns);
    }
    inNs(ns, "ip", "addr", "add", cidr, "dev", dev);
    if (ns == null) {
      // Both ends of a root-namespace pair are local addresses: without accept_local the kernel
      // drops what one end receives from the other as a martian source.
      run("sysctl", "-q", "-w", "net.ipv4.conf." + dev + ".accept_local=1");
    }
    inNs(ns, "ip", "link", "set", dev, "up");
    // The first link of a namespace carries the default multicast route; later ones need none
    // because every responder names its interface explicitly.
    String routes = capture(ns, "ip", "route", "show", "224.0.0.0/4");
    if (routes.isBlank()) {
      inNs(ns, "ip", "route", "add", "224.0.0.0/4", "dev", dev);
    }
  }

  /** Runs a command inside a namespace (null: the root namespace) and fails on non-zero exit. */
  void inNs(String ns, String... cmd) throws IOException {
    run(withNs(ns, cmd));
  }

  String capture(String ns, String... cmd) throws IOException {
    return exec(withNs(ns, cmd), true);
  }

  static List<String> withNs(String ns, String... cmd) {
    List<String> full = new ArrayList<>();
    if (ns != null) {
      full.addAll(List.of("ip", "netns", "exec", ns));
    }
    full.addAll(List.of(cmd));
    return full;
  }

  private static void run(String... cmd) throws IOException {
    exec(List.of(cmd), true);
  }

  private static void run(List<String> cmd) throws IOException {
    exec(cmd, true);
  }

  private static String exec(List<String> cmd, boolean check) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("timed out: " + String.join(" ", cmd));
      }
      if (check && p.exitValue() != 0) {
        throw new IOException(String.join(" ", cmd) + " exited " + p.exitValue() + ": " + out);
      }
      return out;
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", cmd), e);
    }
  }

  /** Removes everything this lab made, newest first; keeps going past failures. */
  @Override
  public void close() {
    while (!undo.isEmpty()) {
      List<String> cmd = undo.pop();
      try {
        exec(cmd, false);
      } catch (IOException e) {
        System.err.println("NetLab cleanup: " + e.getMessage());
      }
    }
  }
}
