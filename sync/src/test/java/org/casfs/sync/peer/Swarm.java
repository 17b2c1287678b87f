package org.casfs.sync.peer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.RepoConfig;
import org.casfs.cas.store.Repository;
import org.casfs.sync.Origin;
import org.casfs.sync.trust.TrustStore;
import org.casfs.txn.Versions;

/**
 * A swarm of real peers on real Linux network namespaces: the origin runs in this JVM in the root
 * namespace; every laptop is a separate {@link PeerMain} process in its own namespace. Links are
 * veth pairs, so a node reaches (and hears mDNS from) only the nodes it is linked to. Everything
 * is stopped and removed by {@link #close()}, failure or not.
 *
 * <p>Node 0 is the origin, nodes 1..n the laptops.
 */
final class Swarm implements AutoCloseable {
  static final int LAPTOP_PORT = 7420;

  final NetLab lab = new NetLab();
  final Path dir;
  final Origin origin;
  final String channel;
  private final List<Node> nodes = new ArrayList<>();
  private Peer originPeer;

  static final class Node {
    final int index;
    final String ns;
    final List<InetAddress> addresses = new ArrayList<>();
    Path repo;
    Path log;
    Path status;
    Process process;

    Node(int index, String ns) {
      this.index = index;
      this.ns = ns;
    }
  }

  Swarm(Path dir, int laptops, String channel) throws IOException {
    this.dir = dir;
    this.channel = channel;
    this.origin = new Origin(dir.resolve("origin"));
    nodes.add(new Node(0, null));
    try {
      for (int i = 1; i <= laptops; i++) {
        Node n = new Node(i, lab.namespace("l" + i));
        n.repo = dir.resolve("laptop-" + i);
        n.log = dir.resolve("laptop-" + i + ".log");
        n.status = dir.resolve("laptop-" + i + ".status");
        try (Repository r = Repository.init(n.repo, RepoConfig.defaults().withChannel(channel))) {
          TrustStore.open(r.keysDir()).add(origin.key.publicKey());
        }
        nodes.add(n);
      }
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  Node node(int i) {
    return nodes.get(i);
  }

  int laptops() {
    return nodes.size() - 1;
  }

  /** Links two nodes with a veth pair on its own /24. */
  void link(int a, int b) throws IOException {
    InetAddress[] ends = new InetAddress[2];
    String[] devices = lab.link(nodes.get(a).ns, nodes.get(b).ns, linkCount++, ends);
    nodes.get(a).addresses.add(ends[0]);
    nodes.get(b).addresses.add(ends[1]);
    linkEnds.add(new String[] {nodes.get(a).ns, devices[0]});
    linkEnds.add(new String[] {nodes.get(b).ns, devices[1]});
  }

  private int linkCount = 1;
  private final List<String[]> linkEnds = new ArrayList<>();

  /**
   * Shapes every link made so far to {@code rate} (tc's syntax, e.g. {@code 1mbit}) in both
   * directions with a token bucket filter: a radio link's bandwidth, its queue up to 2 s.
   */
  void shapeLinks(String rate) throws IOException {
    for (String[] end : linkEnds) {
      lab.inNs(end[0], "tc", "qdisc", "replace", "dev", end[1], "root", "tbf", "rate", rate, "burst", "4kb",
          "latency", "2s");
    }
  }

  /**
   * Copies this build's own classes and jars (which parallel builds may rewrite while the swarm
   * runs) to {@code dir/cp} and returns a classpath over the copies and the other entries.
   */
  static String snapshotClasspath(String classpath, Path dir) throws IOException {
    Path target = Files.createDirectories(dir.resolve("cp"));
    List<String> out = new ArrayList<>();
    int n = 0;
    for (String entry : classpath.split(java.io.File.pathSeparator)) {
      Path p = Path.of(entry);
      boolean ours = Files.isDirectory(p) || p.getFileName().toString().startsWith("casfs-");
      if (!ours || !Files.exists(p)) {
        out.add(entry);
        continue;
      }
      Path copy = target.resolve((n++) + "-" + p.getFileName());
      if (Files.isDirectory(p)) {
        try (var walk = Files.walk(p)) {
          for (Path f : (Iterable<Path>) walk::iterator) {
            Path to = copy.resolve(p.relativize(f).toString());
            if (Files.isDirectory(f)) {
              Files.createDirectories(to);
            } else {
              Files.copy(f, to);
            }
          }
        }
      } else {
        Files.copy(p, copy);
      }
      out.add(copy.toString());
    }
    return String.join(java.io.File.pathSeparator, out);
  }

  /** Starts the origin's peer (serving what it published) and every laptop process. */
  void start(String javaCmd, String classpath) throws IOException {
    classpath = snapshotClasspath(classpath, dir);
    Node o = nodes.get(0);
    if (!o.addresses.isEmpty()) {
      PeerConfig oc = PeerConfig.defaults(0).withMdns(o.addresses).withInstanceName("origin-" + lab.tag())
          .withPollInterval(Duration.ofSeconds(2));
      // All addresses: the origin is reached over each of its links (one port for all of them).
      oc = new PeerConfig(new InetSocketAddress(0), oc.mdnsInterfaces(),
          oc.staticPeers(), false, oc.maxUploads(), oc.pollInterval(), oc.headChecksPerSecond(),
          oc.neighbourCapacity(), oc.instanceName(), oc.pull(), null);
      originPeer = new Peer(oc, Versions.of(origin.repo), TrustStore.open(origin.repo.keysDir()),
          line -> appendLog(dir.resolve("origin.log"), line), Clock.systemUTC()).start();
    }
    for (Node n : nodes.subList(1, nodes.size())) {
      List<String> cmd = new ArrayList<>(NetLab.withNs(n.ns, javaCmd, "-Xmx256m", "-XX:+UseSerialGC",
          "-cp", classpath, PeerMain.class.getName(), "--repo", n.repo.toString(),
          "--port", Integer.toString(LAPTOP_PORT), "--mdns", join(n.addresses), "--auto-switch",
          "--status", n.status.toString(), "--name", "laptop-" + n.index + "-" + lab.tag(),
          "--poll", "2"));
      n.process = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(n.log.toFile()).start();
    }
  }

  Peer originPeer() {
    return originPeer;
  }

  String originUrl() {
    return "http://" + nodes.get(0).addresses.get(0).getHostAddress() + ":" + originPeer.port() + "/";
  }

  private static String join(List<InetAddress> addresses) {
    return String.join(",", addresses.stream().map(InetAddress::getHostAddress).toList());
  }

  private static synchronized void appendLog(Path file, String line) {
    try {
      Files.writeString(file, java.time.LocalTime.now() + " " + line + "\n",
          java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      System.err.println("origin log: " + e.getMessage());
    }
  }

  /** Publishes a version on the origin and tells its peer to announce it at once. */
  void publish(ObjectId manifest) throws IOException {
    origin.publish(manifest);
    if (originPeer != null) {
      originPeer.wakeUp();
    }
  }

  /** The laptop's log so far. */
  String log(int i) throws IOException {
    Path p = nodes.get(i).log;
    return Files.exists(p) ? Files.readString(p) : "";
  }

  /** Whether laptop i logged switching to this version. */
  boolean switched(int i, ObjectId manifest) throws IOException {
    return log(i).contains("switched to " + channel + "#") && log(i).contains(manifest.name());
  }

  private static final Pattern SWITCHED = Pattern.compile(
      "^(\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) switched to \\S+ (\\p{XDigit}{40})$");

  /** When laptop i logged its switch to {@code manifest} (wall clock of this machine), or null. */
  java.time.LocalTime switchTime(int i, ObjectId manifest) throws IOException {
    for (String line : log(i).split("\n")) {
      Matcher m = SWITCHED.matcher(line);
      if (m.find() && m.group(2).equals(manifest.name())) {
        return java.time.LocalTime.parse(m.group(1));
      }
    }
    return null;
  }

  private static final Pattern PULLED = Pattern.compile(
      "pulled \\S+ (\\p{XDigit}{40}) from \\d+ source\\(s\\) in (\\d+) ms: .*\\((.*)\\)");

  /** For laptop i: source URL to bytes received, for its pull of {@code manifest}. */
  Map<String, Long> sourcesOf(int i, ObjectId manifest) throws IOException {
    Map<String, Long> out = new TreeMap<>();
    for (String line : log(i).split("\n")) {
      Matcher m = PULLED.matcher(line);
      if (m.find() && m.group(1).equals(manifest.name())) {
        for (String part : m.group(3).split(", ")) {
          int eq = part.lastIndexOf('=');
          out.put(part.substring(0, eq), Long.parseLong(part.substring(eq + 1)));
        }
      }
    }
    return out;
  }

  /** The base URLs a laptop can be reached at from its neighbours. */
  List<String> urlsOf(int i) {
    if (i == 0) {
      return List.of(originUrl());
    }
    return nodes.get(i).addresses.stream()
        .map(a -> "http://" + a.getHostAddress() + ":" + LAPTOP_PORT + "/").toList();
  }

  private boolean closed;

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Node n : nodes) {
      if (n.process != null && n.process.isAlive()) {
        n.process.destroy();
      }
    }
    for (Node n : nodes) {
      if (n.process != null) {
        try {
          if (!n.process.waitFor(15, TimeUnit.SECONDS)) {
            n.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
          }
        } catch (InterruptedException e) {
          n.process.destroyForcibly();
          Thread.currentThread().interrupt();
        }
      }
    }
    if (originPeer != null) {
      originPeer.close();
    }
    try {
      origin.close();
    } catch (IOException e) {
      System.err.println("closing origin: " + e.getMessage());
    }
    lab.close();
  }
}
