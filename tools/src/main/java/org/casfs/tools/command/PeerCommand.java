package org.casfs.tools.command;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.casfs.sync.peer.Peer;
import org.casfs.sync.peer.PeerConfig;
import org.casfs.sync.trust.TrustStore;
import org.casfs.tools.CliException;
import org.casfs.tools.ExitCode;
import org.casfs.tools.OpenRepo;
import org.casfs.tools.RepoCommand;
import org.casfs.tools.daemon.ControlServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code casfs peer}: the peer daemon. Serves this repository's versions, announces the newest by
 * mDNS/DNS-SD ({@code _casfs._tcp}) on the chosen interfaces, pulls newer verified versions from
 * neighbours (several at once), stages them and with {@code --auto-switch} switches; runs until
 * SIGTERM/SIGINT. One log line per discovery, pull and switch on stderr. Writes its status to
 * {@code REPO/peer.status} every two seconds, which {@code casfs status} shows.
 */
@Command(name = "peer", description = "Run the peer daemon: serve, announce and discover by mDNS, "
    + "pull newer verified versions from neighbours, optionally switch to them.")
public final class PeerCommand extends RepoCommand {
  @Option(names = "--port", paramLabel = "P", defaultValue = "7420", description = "HTTP port (default: ${DEFAULT-VALUE})")
  private int port;

  @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "0.0.0.0", description = "HTTP address (default: ${DEFAULT-VALUE})")
  private String bind;

  @Option(names = "--peers", paramLabel = "URL", split = ",",
      description = "static neighbours (base URLs) for networks without multicast")
  private List<String> peers = new ArrayList<>();

  @Option(names = "--mdns", paramLabel = "ADDR", split = ",",
      description = "interface addresses to announce and browse on (default: every up, multicast-capable"
          + " IPv4 interface); 'none' disables multicast")
  private List<String> mdns = new ArrayList<>();

  @Option(names = "--auto-switch", description = "switch to a pulled version at once (default: only stage it)")
  private boolean autoSwitch;

  @Option(names = "--max-uploads", paramLabel = "N", defaultValue = "8",
      description = "requests served at once (default: ${DEFAULT-VALUE})")
  private int maxUploads;

  @Option(names = "--poll", paramLabel = "SECONDS", defaultValue = "10",
      description = "how often static and known neighbours are asked for their head (default: ${DEFAULT-VALUE})")
  private int pollSeconds;

  @Option(names = "--name", paramLabel = "NAME", description = "DNS-SD instance name (default: casfs-XXXXXX)")
  private String name;

  @Override
  protected void execute() throws Exception {
    System.setProperty("slf4j.internal.verbosity", "ERROR");
    try (OpenRepo open = open()) {
      PeerConfig defaults = PeerConfig.defaults(port);
      PeerConfig config = new PeerConfig(new InetSocketAddress(bind, port), interfaces(), peers,
          autoSwitch, maxUploads, Duration.ofSeconds(pollSeconds), defaults.headChecksPerSecond(),
          defaults.neighbourCapacity(), name, defaults.pull(), open.repo().dir().resolve("peer.status"));
      DateTimeFormatter time = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
      CountDownLatch stop = new CountDownLatch(1);
      try (ControlServer control = ControlServer.startOrWarn(open,
              "casfs peer (pid " + ProcessHandle.current().pid() + ")", line -> {
                synchronized (this) {
                  err().println(line);
                  err().flush();
                }
              });
          Peer peer = new Peer(config, open.txn(), TrustStore.open(open.repo().keysDir()),
          line -> {
            synchronized (this) {
              err().println(LocalTime.now().format(time) + " " + line);
              err().flush();
            }
          }, Clock.systemUTC()).start()) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          peer.close();
          stop.countDown();
        }, "casfs-peer-stop"));
        stop.await();
      }
    }
  }

  private List<InetAddress> interfaces() throws SocketException, java.net.UnknownHostException {
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
