package org.casfs.sync.peer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.casfs.cas.Manifest;
import org.casfs.cas.ObjectId;
import org.casfs.cas.io.ImportOptions;
import org.casfs.cas.io.ImportResult;
import org.casfs.cas.io.Importer;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.sync.TestImages;

/**
 * The 20-laptop swarm benchmark behind {@code tools/bench/swarm.sh}: laptops placed at random in
 * a unit square, linked when within radio range (a random geometric graph, the range grown until
 * every laptop can reach the origin), each laptop a {@link PeerMain} process in its own network
 * namespace, the origin in this JVM. The origin publishes v1, then v2 (the real Debian pair when
 * {@code --corpus DIR} holds {@code v1/} and {@code v2/}, else generated trees); for each it
 * reports the time until every laptop switched, bytes served by the origin against bytes served
 * by laptops, and writes {@code spread-vN.dat} (seconds, laptops updated) for the plot. Then it
 * measures one idle daemon's CPU and RSS.
 *
 * <pre>java -cp … org.casfs.sync.peer.SwarmBench OUT_DIR [--laptops 20] [--seed 1] [--corpus DIR] [--chain] [--rate R]</pre>
 *
 * With {@code --chain} the laptops form a chain from the origin instead (per-hop times). With
 * {@code --rate R} (tc's syntax, e.g. {@code 1mbit}) every link is shaped to R once v1 has spread,
 * so v2 travels over slow links.
 */
public final class SwarmBench {
  private SwarmBench() {}

  public static void main(String[] args) throws Exception {
    Path out = Path.of(args[0]);
    int laptops = 20;
    long seed = 1;
    Path corpus = null;
    boolean chain = false;
    String rate = null;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--laptops" -> laptops = Integer.parseInt(args[++i]);
        case "--seed" -> seed = Long.parseLong(args[++i]);
        case "--corpus" -> corpus = Path.of(args[++i]);
        case "--chain" -> chain = true;
        case "--rate" -> rate = args[++i];
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Files.createDirectories(out);
    Path work = Files.createTempDirectory("casfs-swarm");
    String javaCmd = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    try (Swarm swarm = new Swarm(work, laptops, "stable")) {
      // Stopped early (Ctrl-C, SIGTERM): still stop every laptop and remove every namespace.
      Thread cleanup = new Thread(swarm::close, "swarm-cleanup");
      Runtime.getRuntime().addShutdownHook(cleanup);
      List<int[]> edges = chain ? chain(laptops, out) : geometricGraph(laptops, seed, out);
      for (int[] e : edges) {
        swarm.link(e[0], e[1]);
      }
      ObjectDatabase db = swarm.origin.repo.objectDatabase();
      ObjectId v1;
      ObjectId v2;
      if (corpus != null && Files.isDirectory(corpus.resolve("v1")) && Files.isDirectory(corpus.resolve("v2"))) {
        v1 = importVersion(db, corpus.resolve("v1"), 1, null);
        v2 = importVersion(db, corpus.resolve("v2"), 2, v1);
        System.out.println("versions: real Debian images from " + corpus);
      } else {
        v1 = TestImages.version(db, "stable", 1, 11, 20, 40, 0, null);
        v2 = TestImages.version(db, "stable", 2, 11, 20, 40, 0.05, v1);
        System.out.println("versions: generated (no corpus given or found)");
      }
      swarm.publish(v1);
      swarm.start(javaCmd, System.getProperty("java.class.path"));
      LocalTime started = LocalTime.now();
      phase(swarm, "v1", v1, started, out, 0);
      long originBefore = swarm.originPeer().server().bytesSent();
      if (rate != null) {
        swarm.shapeLinks(rate);
        System.out.println("every link shaped to " + rate + " both ways (tbf) for v2");
      }
      LocalTime published = LocalTime.now();
      swarm.publish(v2);
      phase(swarm, "v2", v2, published, out, originBefore);
      idle(swarm, out);
    } finally {
      deleteTree(work);
    }
  }

  private static void phase(Swarm swarm, String name, ObjectId v, LocalTime from, Path out,
      long originBefore) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
    int n = swarm.laptops();
    while (true) {
      int done = 0;
      for (int i = 1; i <= n; i++) {
        if (swarm.switchTime(i, v) != null) {
          done++;
        }
      }
      if (done == n) {
        break;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(name + ": only " + done + " of " + n + " laptops switched in 15 min");
      }
      Thread.sleep(200);
    }
    List<Double> times = new ArrayList<>();
    long received = 0;
    for (int i = 1; i <= n; i++) {
      times.add(Duration.between(from, swarm.switchTime(i, v)).toMillis() / 1000.0);
      for (long b : swarm.sourcesOf(i, v).values()) {
        received += b;
      }
    }
    StringBuilder each = new StringBuilder(name + " switch times by laptop (s):");
    for (int i = 0; i < times.size(); i++) {
      each.append(String.format(Locale.ROOT, " %d=%.1f", i + 1, times.get(i)));
    }
    System.out.println(each);
    Files.writeString(out.resolve("summary.txt"), each + "\n", java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
    times.sort(Double::compare);
    StringBuilder dat = new StringBuilder("# seconds laptops_updated\n0 0\n");
    for (int i = 0; i < times.size(); i++) {
      dat.append(String.format(Locale.ROOT, "%.3f %d%n", times.get(i), i + 1));
    }
    Files.writeString(out.resolve("spread-" + name + ".dat"), dat.toString());
    long origin = swarm.originPeer().server().bytesSent() - originBefore;
    long laptopsServed = Math.max(0, received - origin);
    String line = String.format(Locale.ROOT,
        "%s: %d laptops updated in %.1f s (median %.1f s); bytes received by laptops %d; served by origin %d (%.1f%%),"
            + " by laptops %d (%.1f%%)", name, n, times.get(n - 1), times.get(n / 2), received, origin,
        100.0 * origin / Math.max(1, received), laptopsServed, 100.0 * laptopsServed / Math.max(1, received));
    System.out.println(line);
    Files.writeString(out.resolve("summary.txt"), line + "\n", java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
  }

  /** CPU share and RSS of one laptop daemon over 30 idle seconds. */
  private static void idle(Swarm swarm, Path out) throws Exception {
    Thread.sleep(5000);
    long pid = swarm.node(1).process.pid();
    long ticks0 = cpuTicks(pid);
    long t0 = System.nanoTime();
    Thread.sleep(30_000);
    long ticks = cpuTicks(pid) - ticks0;
    double seconds = (System.nanoTime() - t0) / 1e9;
    double cpu = 100.0 * ticks / 100.0 / seconds; // USER_HZ is 100 on Linux
    long rssKiB = 0;
    for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (l.startsWith("VmRSS:")) {
        rssKiB = Long.parseLong(l.replaceAll("\\D", ""));
      }
    }
    String line = String.format(Locale.ROOT, "idle daemon: %.2f%% of one core over %.0f s, RSS %d MiB",
        cpu, seconds, rssKiB / 1024);
    System.out.println(line);
    Files.writeString(out.resolve("summary.txt"), line + "\n", java.nio.file.StandardOpenOption.APPEND);
  }

  private static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
  }

  /** origin - laptop 1 - laptop 2 - ... : the per-hop case. */
  static List<int[]> chain(int laptops, Path out) throws IOException {
    List<int[]> edges = new ArrayList<>();
    StringBuilder g = new StringBuilder("# chain\n");
    for (int i = 0; i < laptops; i++) {
      edges.add(new int[] {i, i + 1});
      g.append(i).append(' ').append(i + 1).append('\n');
    }
    Files.writeString(out.resolve("graph.txt"), g.toString());
    System.out.println("graph: chain of " + laptops + " laptops");
    return edges;
  }

  /** Random points in the unit square, origin = node 0; range grown until all are connected. */
  static List<int[]> geometricGraph(int laptops, long seed, Path out) throws IOException {
    Random r = new Random(seed);
    int n = laptops + 1;
    double[][] p = new double[n][2];
    for (int i = 0; i < n; i++) {
      p[i][0] = r.nextDouble();
      p[i][1] = r.nextDouble();
    }
    double range = 0.2;
    while (true) {
      List<int[]> edges = new ArrayList<>();
      for (int a = 0; a < n; a++) {
        for (int b = a + 1; b < n; b++) {
          if (Math.hypot(p[a][0] - p[b][0], p[a][1] - p[b][1]) <= range) {
            edges.add(new int[] {a, b});
          }
        }
      }
      if (connected(n, edges)) {
        StringBuilder g = new StringBuilder(String.format(Locale.ROOT,
            "# random geometric graph, seed %d, radio range %.2f, %d links%n", seed, range, edges.size()));
        for (int[] e : edges) {
          g.append(e[0]).append(' ').append(e[1]).append('\n');
        }
        Files.writeString(out.resolve("graph.txt"), g.toString());
        System.out.printf(Locale.ROOT, "graph: %d laptops, radio range %.2f, %d links%n", laptops, range, edges.size());
        return edges;
      }
      range += 0.02;
    }
  }

  private static boolean connected(int n, List<int[]> edges) {
    boolean[] seen = new boolean[n];
    java.util.ArrayDeque<Integer> q = new java.util.ArrayDeque<>(List.of(0));
    seen[0] = true;
    int count = 1;
    while (!q.isEmpty()) {
      int a = q.poll();
      for (int[] e : edges) {
        int b = e[0] == a ? e[1] : e[1] == a ? e[0] : -1;
        if (b >= 0 && !seen[b]) {
          seen[b] = true;
          count++;
          q.add(b);
        }
      }
    }
    return count == n;
  }

  private static ObjectId importVersion(ObjectDatabase db, Path dir, long seq, ObjectId parent) throws IOException {
    ImportResult r = new Importer(db).importDirectory(dir, ImportOptions.defaults(), null);
    Manifest m = new Manifest(r.root(), r.rootMeta(), "stable", seq, "v" + seq, parent, System.currentTimeMillis());
    return db.writeManifest(m).id();
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
