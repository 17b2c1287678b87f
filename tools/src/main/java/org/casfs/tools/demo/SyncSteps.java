package org.casfs.tools.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.casfs.cas.store.Repository;
import org.casfs.sync.peer.Peer;
import org.casfs.sync.peer.PeerConfig;
import org.casfs.sync.server.Server;
import org.casfs.sync.server.ServerConfig;
import org.casfs.sync.trust.TrustStore;
import org.casfs.tools.Casfs;
import org.casfs.tools.CliException;
import org.casfs.tools.ExitCode;
import org.casfs.tools.command.ServeCommand;
import org.casfs.txn.Versions;

/**
 * The sync and peers part of the demo (issues 5 and 6), all on loopback: the demo repository
 * becomes an origin (a signing key, the first version signed); a client repository trusts the
 * key, pulls from {@code casfs serve}'s server on a free 127.0.0.1 port, verifies and switches;
 * then the origin signs an update (a copy with one file changed; its deltas computed before it is
 * offered) and three peers (the origin, A = the client, B = a new repository; in this process,
 * static neighbours, no multicast) pass it along origin -> A -> B, and the demo checks that B got
 * it from A. Every server and peer started is closed in a finally, also when a step fails.
 */
final class SyncSteps {
  static final String PUBLIC_KEY = "sync.public-key";
  static final String KEY = "sync.key";
  static final String UPDATE = "sync.update";
  static final String CLIENT = "sync.client";
  static final String LAPTOP = "sync.laptop";
  static final String STICK = "sync.stick";
  private static final Duration PEER_TIMEOUT = Duration.ofSeconds(60);

  private SyncSteps() {}

  static List<DemoStep> steps() {
    return List.of(
        DemoStep.of("make the repository an origin: a signing key, the first version signed", SyncSteps::sign),
        DemoStep.of("a client pulls the version over loopback HTTP (casfs serve), verifies it and switches",
            SyncSteps::pull),
        DemoStep.of("the origin signs an update (the deltas from the first version computed, then the update offered)",
            SyncSteps::signUpdate),
        DemoStep.of("the origin writes the update to a USB stick's folder (casfs mirror); a laptop that never"
            + " reaches the origin takes it from there", SyncSteps::stick),
        DemoStep.of("three peers on loopback pass the update along: origin -> peer A (the client) -> peer B (new)",
            SyncSteps::peers));
  }

  private static void sign(DemoContext ctx) {
    Path key = ctx.work().resolve("keys/origin.key");
    String pub = ctx.casfs("keygen", "--key", key.toString()).strip();
    ctx.put(PUBLIC_KEY, pub);
    ctx.put(KEY, key);
    ctx.casfs("sign", "first", "--key", key.toString());
  }

  /** A copy of the source (hardlinks) with one small file changed, imported and signed as "update". */
  private static void signUpdate(DemoContext ctx) throws Exception {
    Path copy = ctx.changedCopy("update", "casfs-update.txt", "an update");
    String out = ctx.casfs("import", copy.toString(), "--label", "update");
    String id = out.lines().filter(l -> l.startsWith("version ")).findFirst()
        .orElseThrow(() -> new IllegalStateException("import printed no version line")).split("\\s+")[1];
    ctx.put(UPDATE, id);
    ctx.casfs("sign", "update", "--key", ctx.<Path>get(KEY).toString());
  }

  /** The offline path: a folder stands for the stick, a new repository for a laptop far from the origin. */
  private static void stick(DemoContext ctx) throws Exception {
    String version = ctx.get(UPDATE);
    Path stick = ctx.work().resolve("usb-stick");
    ctx.casfs("mirror", stick.toString());
    Path laptop = ctx.work().resolve("laptop");
    newRepo(ctx, laptop);
    String out = cli(ctx, laptop, "pull", "--from-dir", stick.toString(), "--switch");
    expect(out.contains("switched to " + version), "the laptop did not switch to " + version + ": " + out.strip());
    cli(ctx, laptop, "fsck");
    ctx.put(LAPTOP, laptop);
    ctx.put(STICK, stick);
  }

  private static void pull(DemoContext ctx) throws Exception {
    String version = ctx.get(StoreSteps.VERSION);
    Path client = ctx.work().resolve("client");
    newRepo(ctx, client);
    ctx.put(CLIENT, client);
    try (Repository origin = Repository.open(ctx.repo());
        Server server = ServeCommand.server(origin, ServerConfig.loopback(0)).start()) {
      ctx.say("casfs serve: " + ctx.repo() + " at " + server.url());
      String out = cli(ctx, client, "pull", server.url(), "--switch");
      expect(out.contains("switched to " + version), "the client did not switch to " + version + ": " + out.strip());
      ctx.say("the origin sent " + server.bytesSent() + " bytes");
    }
    cli(ctx, client, "fsck");
    cli(ctx, client, "history");
  }

  private static void peers(DemoContext ctx) throws Exception {
    String version = ctx.get(UPDATE);
    Path dirA = ctx.get(CLIENT);
    Path dirB = ctx.work().resolve("peer-b");
    newRepo(ctx, dirB);
    List<String> logB = Collections.synchronizedList(new ArrayList<>());
    List<AutoCloseable> opened = new ArrayList<>();
    try {
      Peer origin = startPeer(ctx, ctx.repo(), "origin", null, null, opened);
      String originUrl = "http://127.0.0.1:" + origin.port();
      Peer a = startPeer(ctx, dirA, "peer A", originUrl, null, opened);
      String urlA = "http://127.0.0.1:" + a.port();
      startPeer(ctx, dirB, "peer B", urlA, logB, opened);
      ctx.say("peer A knows only the origin (" + originUrl + "), peer B knows only peer A (" + urlA + ")");
      long deadline = System.nanoTime() + PEER_TIMEOUT.toNanos();
      String pulled = null;
      while (pulled == null) {
        synchronized (logB) {
          pulled = logB.stream().filter(l -> l.startsWith("switched to") && l.contains(version)).findFirst()
              .orElse(null);
        }
        if (pulled == null) {
          if (System.nanoTime() > deadline) {
            throw new CliException(ExitCode.IO, "demo: peer B did not get version " + version + " within "
                + PEER_TIMEOUT.toSeconds() + " s; its log: " + String.join(" | ", logB));
          }
          Thread.sleep(100);
        }
      }
      String from;
      synchronized (logB) {
        from = logB.stream().filter(l -> l.startsWith("pulled ") && l.contains(version)).findFirst().orElse("");
      }
      expect(from.contains(urlA) && !from.contains(originUrl),
          "peer B's pull did not come from peer A alone: " + from);
      ctx.say("peer B got " + version + " from peer A (" + urlA + "), never from the origin");
    } finally {
      Collections.reverse(opened);
      for (AutoCloseable c : opened) {
        c.close();
      }
    }
    cli(ctx, dirB, "fsck");
    cli(ctx, dirB, "history");
  }

  /** A peer on a free 127.0.0.1 port, no multicast, polling its one static neighbour (if any) often. */
  private static Peer startPeer(DemoContext ctx, Path dir, String name, String neighbourOrNull,
      List<String> logOrNull, List<AutoCloseable> opened) throws IOException {
    Repository repo = Repository.open(dir);
    opened.add(repo);
    Versions versions = Versions.of(repo);
    opened.add(() -> Versions.release(repo));
    PeerConfig config = PeerConfig.defaults(0).withStaticPeers(neighbourOrNull == null ? List.of() : List.of(neighbourOrNull))
        .withAutoSwitch(true).withPollInterval(Duration.ofMillis(500));
    config = new PeerConfig(new InetSocketAddress("127.0.0.1", 0), List.of(), config.staticPeers(), true,
        config.maxUploads(), config.pollInterval(), config.headChecksPerSecond(), config.neighbourCapacity(),
        "casfs-demo-" + name.replace(' ', '-'), config.pull(), null);
    Peer peer = new Peer(config, versions, TrustStore.open(repo.keysDir()), line -> {
      if (logOrNull != null) {
        logOrNull.add(line);
      }
      if (line.startsWith("pulled ") || line.startsWith("switched ") || line.startsWith("peer serving")) {
        ctx.say(name + ": " + line);
      }
    }, Clock.systemUTC());
    opened.add(peer);
    return peer.start();
  }

  /** {@code casfs init --channel demo} and {@code casfs trust} the origin's key in a new repository. */
  private static void newRepo(DemoContext ctx, Path dir) throws Exception {
    cli(ctx, dir, "init", "--channel", "demo");
    cli(ctx, dir, "trust", ctx.<String>get(PUBLIC_KEY));
  }

  /** Runs casfs against another repository than the demo's, shown with its CASFS_REPO; a failure stops the demo. */
  static String cli(DemoContext ctx, Path repo, String... args) {
    Run r = run(ctx, repo, args);
    if (r.code() != 0) {
      throw new CliException(ExitCode.INTERNAL, "demo: 'casfs " + String.join(" ", args) + "' in " + repo
          + " failed: " + r.err().strip().replaceFirst("^casfs: ", ""));
    }
    return r.out();
  }

  /** As {@link #cli}, for a command that must fail: shows its error line, and stops the demo if it succeeds. */
  static String cliFailing(DemoContext ctx, Path repo, String... args) {
    Run r = run(ctx, repo, args);
    expect(r.code() != 0, "'casfs " + String.join(" ", args) + "' in " + repo + " did not fail");
    r.err().lines().forEach(l -> ctx.out().println("    " + l));
    return r.err();
  }

  private record Run(int code, String out, String err) {}

  private static Run run(DemoContext ctx, Path repo, String... args) {
    ctx.out().println("  $ CASFS_REPO=" + ctx.work().relativize(repo) + " casfs " + String.join(" ", args));
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("CASFS_REPO", repo.toString());
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    long t0 = System.nanoTime();
    int code = Casfs.run(env, false, o, e, args);
    String text = o.toString(StandardCharsets.UTF_8);
    text.lines().limit(8).forEach(l -> ctx.out().println("    " + l));
    ctx.out().println(String.format(java.util.Locale.ROOT, "    (%.2f s)", (System.nanoTime() - t0) / 1e9));
    ctx.out().flush();
    return new Run(code, text, e.toString(StandardCharsets.UTF_8));
  }

  static void expect(boolean ok, String what) {
    if (!ok) {
      throw new CliException(ExitCode.INTERNAL, "demo: " + what);
    }
  }
}
