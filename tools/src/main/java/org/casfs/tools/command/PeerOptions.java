package org.casfs.tools.command;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.locks.Lock;
import java.util.function.Consumer;
import org.casfs.cas.check.Progress;
import org.casfs.sync.peer.Housekeeping;
import org.casfs.sync.peer.Peer;
import org.casfs.sync.peer.Scrub;
import org.casfs.sync.peer.PeerConfig;
import org.casfs.sync.trust.TrustStore;
import org.casfs.sync.wire.RateLimit;
import org.casfs.tools.CliException;
import org.casfs.tools.ExitCode;
import org.casfs.tools.OpenRepo;
import org.casfs.tools.daemon.ControlServer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The peer daemon's options and start-up, shared by {@code casfs peer} and {@code casfs mount
 * --peer} (one process owning the repository: the mount and the peer in it).
 */
final class PeerOptions {
  @Option(names = "--port", paramLabel = "P", defaultValue = "7420", description = "peer HTTP port (default: ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "0.0.0.0", description = "peer HTTP address (default: ${DEFAULT-VALUE})")
  String bind;

  @Option(names = "--peers", paramLabel = "URL", split = ",", converter = UrlArgument.class,
      description = "static neighbours (base URLs) for networks without multicast")
  List<String> peers = new ArrayList<>();

  @Option(names = "--mdns", paramLabel = "ADDR", split = ",",
      description = "interface addresses to announce and browse on (default: every up, multicast-capable"
          + " IPv4 interface); 'none' disables multicast")
  List<String> mdns = new ArrayList<>();

  @Option(names = "--auto-switch", description = "switch to a pulled version at once (default: only stage it)")
  boolean autoSwitch;

  @Option(names = "--max-uploads", paramLabel = "N", defaultValue = "8",
      description = "requests served at once (default: ${DEFAULT-VALUE})")
  int maxUploads;

  @Option(names = "--poll", paramLabel = "SECONDS", defaultValue = "10",
      description = "how often static and known neighbours are asked for their head (default: ${DEFAULT-VALUE})")
  int pollSeconds;

  @Option(names = "--name", paramLabel = "NAME", description = "DNS-SD instance name (default: casfs-XXXXXX)")
  String name;

  @Option(names = "--max-upload-rate", paramLabel = "RATE", converter = RateArgument.class,
      description = "send neighbours at most RATE bytes a second in all, e.g. 500k or 2M (default: no limit)")
  RateLimit uploadRate;

  @Option(names = "--no-gc", description = "do not run gc after an update or when one does not fit (default: run it,"
      + " keeping what 'casfs gc' keeps)")
  boolean noGc;

  @Mixin
  ScrubOptions scrub;

  /**
   * Starts the peer on the open repository; each log line goes to {@code log} with a time stamp.
   * Its gc runs under {@code control}'s lock, as a command sent through it would; without a control
   * socket (it could not be made) the peer runs no gc, since it could not tell what is in use.
   */
  Peer start(OpenRepo open, ControlServer control, Consumer<String> log) throws Exception {
    System.setProperty("slf4j.internal.verbosity", "ERROR");
    PeerConfig defaults = PeerConfig.defaults(port);
    PeerConfig config = new PeerConfig(new InetSocketAddress(bind, port), interfaces(), peers,
        autoSwitch, maxUploads, Duration.ofSeconds(pollSeconds), defaults.headChecksPerSecond(),
        defaults.neighbourCapacity(), name, defaults.pull(), open.repo().dir().resolve("peer.status"));
    Duration scrubEvery = scrub.everyOrNull();
    DateTimeFormatter time = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    Peer peer = new Peer(config, open.txn(), TrustStore.open(open.repo().keysDir()),
        line -> log.accept(LocalTime.now().format(time) + " " + line), Clock.systemUTC())
        .limitUploads(uploadRate).housekeeping(noGc || control == null ? Housekeeping.NONE
            : gcUnder(control.exclusiveLock(), open));
    if (scrubEvery != null) {
      peer.scrub(scrubEvery, Scrub.DEFAULT_FIRST_DELAY, Scrub.DEFAULT_BYTES_PER_SECOND);
    }
    return peer.start();
  }

  private static Housekeeping gcUnder(Lock exclusive, OpenRepo open) {
    return () -> {
      exclusive.lock();
      try {
        RepoGc.Outcome gc = RepoGc.run(open, open.repo().dir(), Progress.NONE);
        return new Housekeeping.Outcome(gc.removedVersions().size(),
            gc.report().bytesFreed() + gc.report().orphanBytesFreed());
      } finally {
        exclusive.unlock();
      }
    };
  }

  private List<InetAddress> interfaces() throws SocketException, UnknownHostException {
    List<InetAddress> out = new ArrayList<>();
    if (mdns.size() == 1 && mdns.get(0).equals("none")) {
      return out;
    }
    if (!mdns.isEmpty()) {
      for (String a : mdns) {
        out.add(InetAddress.getByName(a));
      }
      return out;
    }
    for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (ni.isUp() && !ni.isLoopback() && ni.supportsMulticast()) {
        for (InetAddress a : Collections.list(ni.getInetAddresses())) {
          if (a instanceof Inet4Address) {
            out.add(a);
          }
        }
      }
    }
    if (out.isEmpty() && peers.isEmpty()) {
      throw new CliException(ExitCode.USAGE, "no multicast-capable network interface is up and no --peers"
          + " were given: nothing to discover; name neighbours with --peers URL,...");
    }
    return out;
  }
}
