package org.casfs.sync.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.casfs.sync.Origin;
import org.casfs.sync.trust.TrustStore;
import org.casfs.txn.Versions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failure that repeats every round (a full disk refuses the status file every 2 s) is logged
 * once while it lasts, not 43,200 times a day, and its end is logged too.
 */
class PeerRoundFailuresTest {
  @TempDir Path tmp;

  @Test
  void theSameFailureEveryRoundIsLoggedOnce() throws Exception {
    Path blocker = Files.writeString(tmp.resolve("not-a-directory"), "x");
    PeerConfig d = LoopbackPeer.config();
    PeerConfig config = new PeerConfig(d.listen(), List.of(), List.of(), false, d.maxUploads(), Duration.ofMillis(100),
        d.headChecksPerSecond(), d.neighbourCapacity(), null, d.pull(), blocker.resolve("peer.status"));
    List<String> log = new CopyOnWriteArrayList<>();
    try (Origin laptop = new Origin(tmp.resolve("laptop"));
        Peer peer = new Peer(config, Versions.of(laptop.repo), TrustStore.open(laptop.repo.keysDir()), log::add,
            Clock.systemUTC()).start()) {
      Thread.sleep(7_000); // four status writes, each refused
      assertThat(log.stream().filter(l -> l.startsWith("cannot write the status file: "))).hasSize(1);
      assertThat(log).anyMatch(l -> l.endsWith("; said once while it lasts"));

      Files.delete(blocker);
      Files.createDirectory(blocker);
      long deadline = System.nanoTime() + 10_000_000_000L; // the line follows the write
      while (!(Files.exists(blocker.resolve("peer.status")) && log.contains("the status file is written again"))
          && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(log).contains("the status file is written again");
    }
  }
}
