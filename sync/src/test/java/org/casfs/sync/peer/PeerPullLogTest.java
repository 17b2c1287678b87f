package org.casfs.sync.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.RepoConfig;
import org.casfs.cas.store.Repository;
import org.casfs.sync.HostileProxy;
import org.casfs.sync.Origin;
import org.casfs.sync.TestImages;
import org.casfs.sync.trust.TrustStore;
import org.casfs.txn.Versions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A neighbour takes a newer version between the moment a peer reads its head and the moment the
 * peer's pull asks again: the pull takes the newer one, and the peer's log and status must say
 * so. They named the version read first, as if that one had been taken, and whoever waited for
 * the newer one in the log (the demo) waited in vain.
 */
class PeerPullLogTest {
  @TempDir Path tmp;

  @Test
  void theLogNamesTheVersionThePullTookNotTheOneReadBefore() throws Exception {
    try (Origin origin = new Origin(tmp.resolve("origin")).serve();
        HostileProxy neighbour = new HostileProxy(origin.url());
        Repository laptop = Repository.init(tmp.resolve("laptop"), RepoConfig.defaults())) {
      ObjectId v1 = TestImages.version(origin.repo.objectDatabase(), "stable", 1, 3, 2, 5, 0, null);
      ObjectId v2 = TestImages.version(origin.repo.objectDatabase(), "stable", 2, 4, 2, 5, 0, v1);
      byte[] firstHead = origin.publish(v1).encode();
      origin.publish(v2);
      neighbour.head = firstHead; // the neighbour offers v1 when first asked, v2 from then on
      neighbour.afterHead = () -> neighbour.head = null;
      TrustStore trust = TrustStore.open(laptop.keysDir());
      trust.add(origin.key.publicKey());
      Versions versions = Versions.of(laptop);
      PeerConfig d = PeerConfig.defaults(0);
      PeerConfig config = new PeerConfig(new InetSocketAddress("127.0.0.1", 0), List.of(), List.of(neighbour.url()),
          true, d.maxUploads(), Duration.ofMillis(200), d.headChecksPerSecond(), d.neighbourCapacity(), null, d.pull(),
          null);
      List<String> log = new CopyOnWriteArrayList<>();
      try (Peer peer = new Peer(config, versions, trust, log::add, Clock.systemUTC()).start()) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (log.stream().noneMatch(l -> l.startsWith("switched to "))) {
          assertThat(System.nanoTime()).as("the peer's log: " + log).isLessThan(deadline);
          Thread.sleep(20);
        }
        assertThat(versions.refs().currentOrNull()).isEqualTo(v2);
        assertThat(log).as("what it took").contains("switched to stable#2 " + v2);
        assertThat(log).anyMatch(l -> l.startsWith("pulled stable#2 " + v2 + " "));
      }
    }
  }
}
