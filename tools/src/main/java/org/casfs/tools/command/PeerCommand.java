package org.casfs.tools.command;

import java.util.concurrent.CountDownLatch;
import org.casfs.sync.peer.Peer;
import org.casfs.tools.OpenRepo;
import org.casfs.tools.RepoCommand;
import org.casfs.tools.daemon.ControlServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

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

  @Mixin
  RenewOptions renewOptions;

  @Override
  protected void execute() throws Exception {
    try (OpenRepo open = open()) {
      CountDownLatch stop = new CountDownLatch(1);
      try (ControlServer control = ControlServer.startOrWarn(open,
              "casfs peer (pid " + ProcessHandle.current().pid() + ")", this::log);
          Peer peer = peerOptions.start(open, control, this::log);
          HeadRenewer renewer = renewOptions.startOrNull(open, casfs(), control, false, this::log)) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          peer.close();
          stop.countDown();
        }, "casfs-peer-stop"));
        stop.await();
      }
    }
  }
}
