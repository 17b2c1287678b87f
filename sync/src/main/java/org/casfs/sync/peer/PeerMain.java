package org.casfs.sync.peer;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.casfs.cas.store.Repository;
import org.casfs.sync.trust.TrustStore;
import org.casfs.txn.Versions;

/**
 * Runs a {@link Peer} daemon as a process, for the swarm harness and benchmarks (the {@code casfs
 * peer} command of the CLI runs the same daemon):
 *
 * <pre>
 * java -cp … org.casfs.sync.peer.PeerMain --repo DIR [--port P] [--mdns ADDR,…] [--peers URL,…]
 *     [--auto-switch] [--status FILE] [--name NAME] [--max-uploads N] [--poll SECONDS]
 * </pre>
 *
 * Logs one line per event to stderr, prefixed with the wall-clock time; stops cleanly on SIGTERM
 * or SIGINT (goodbye announcements, server drained, repository closed). Exit code 2 for bad
 * arguments, 5 for I/O failure at start.
 */
public final class PeerMain {
  private PeerMain() {}

  public static void main(String[] args) throws Exception {
    // JmDNS logs through SLF4J; without a provider SLF4J prints a three-line warning at start.
    System.setProperty("slf4j.internal.verbosity", "ERROR");
    Path repoDir = null;
    PeerConfig config = PeerConfig.defaults(7420);
    int port = 7420;
    List<InetAddress> mdns = new ArrayList<>();
    List<String> peers = new ArrayList<>();
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--repo" -> repoDir = Path.of(args[++i]);
          case "--port" -> port = Integer.parseInt(args[++i]);
          case "--mdns" -> {
            for (String a : args[++i].split(",")) {
              if (!a.isBlank()) {
                mdns.add(InetAddress.getByName(a.trim()));
              }
            }
          }
          case "--peers" -> {
            for (String u : args[++i].split(",")) {
              if (!u.isBlank()) {
                peers.add(u.trim());
              }
            }
          }
          case "--auto-switch" -> config = config.withAutoSwitch(true);
          case "--status" -> config = config.withStatusFile(Path.of(args[++i]));
          case "--name" -> config = config.withInstanceName(args[++i]);
          case "--max-uploads" -> config = config.withMaxUploads(Integer.parseInt(args[++i]));
          case "--poll" -> config = config.withPollInterval(Duration.ofSeconds(Long.parseLong(args[++i])));
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      if (repoDir == null) {
        throw new IllegalArgumentException("--repo DIR is required");
      }
    } catch (RuntimeException e) {
      System.err.println("casfs peer: " + e.getMessage());
      System.exit(2);
      return;
    }
    config = new PeerConfig(new InetSocketAddress(port), mdns, peers, config.autoSwitch(),
        config.maxUploads(), config.pollInterval(), config.headChecksPerSecond(),
        config.neighbourCapacity(), config.instanceName(), config.pull(), config.statusFile());
    System.exit(run(repoDir, config, System.err));
  }

  /** Runs until the process is told to stop; returns the exit code. */
  public static int run(Path repoDir, PeerConfig config, PrintStream err) throws InterruptedException {
    DateTimeFormatter time = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    CountDownLatch stopped = new CountDownLatch(1);
    Repository repo;
    try {
      repo = Repository.openUsingReserve(repoDir);
    } catch (IOException e) {
      err.println("casfs peer: cannot open repository " + repoDir + ": " + e.getMessage());
      return 5;
    }
    Peer peer;
    try {
      Versions versions = Versions.of(repo);
      TrustStore trust = TrustStore.open(repo.keysDir());
      peer = new Peer(config, versions, trust,
          line -> err.println(LocalTime.now().format(time) + " " + line), Clock.systemUTC()).start();
    } catch (IOException e) {
      err.println("casfs peer: cannot start: " + e.getMessage());
      closeQuietly(repo);
      return 5;
    }
    Peer running = peer;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      running.close();
      closeQuietly(repo);
      stopped.countDown();
    }, "casfs-peer-shutdown"));
    stopped.await();
    return 0;
  }

  private static void closeQuietly(Repository repo) {
    try {
      repo.close();
    } catch (IOException e) {
      System.err.println("casfs peer: closing the repository: " + e.getMessage());
    }
  }
}
