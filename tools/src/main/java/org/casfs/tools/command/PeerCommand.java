package org.casfs.tools.command;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;
import org.casfs.sync.peer.Peer;
import org.casfs.tools.OpenRepo;
import org.casfs.tools.RepoCommand;
import org.casfs.tools.daemon.ControlServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code casfs peer}: the peer daemon. Serves this repository's versions, announces the newest by
 * mDNS/DNS-SD ({@code _casfs._tcp}) on the chosen interfaces, pulls newer verified versions from
 * neighbours (several at once), stages them and with {@code --auto-switch} switches; runs until
 * SIGTERM/SIGINT. One log line per discovery, pull and switch on stderr. Writes its status to
 * {@code REPO/peer.status} every two seconds, which {@code casfs status} shows. On an origin (the
 * signing key on the machine) it renews the offered head before it expires, as {@code casfs serve}
 * does. {@code casfs mount --peer} runs the same daemon inside a mount.
 */
@Command(name = "peer", description = "Run the peer daemon: serve, announce and discover by mDNS, "
    + "pull newer verified versions from neighbours, optionally switch to them.")
public final class PeerCommand extends RepoCommand {
  @Mixin
  PeerOptions peerOptions;

  @Option(names = "--key", paramLabel = "FILE", description = "on an origin: the signing key with which the offered"
      + " head is renewed before it expires (default: $CASFS_KEY or ~/.casfs/signing.key, if there is one)")
  private Path key;

  @Option(names = "--no-renew", description = "on an origin: do not renew the offered head before it expires")
  private boolean noRenew;

  @Override
  protected void execute() throws Exception {
    try (OpenRepo open = open()) {
      CountDownLatch stop = new CountDownLatch(1);
      try (ControlServer control = ControlServer.startOrWarn(open,
              "casfs peer (pid " + ProcessHandle.current().pid() + ")", this::log);
          Peer peer = peerOptions.start(open, control, this::log);
          HeadRenewer renewer = noRenew ? null : HeadRenewer.start(open, KeygenCommand.keyPath(key, casfs()), false,
              control != null ? control.exclusiveLock() : new ReentrantLock(), this::log)) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          peer.close();
          stop.countDown();
        }, "casfs-peer-stop"));
        stop.await();
      }
    }
  }
}
