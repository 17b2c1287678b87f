package org.casfs.sync.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.RepoConfig;
import org.casfs.cas.store.Repository;
import org.casfs.sync.HostileProxy;
import org.casfs.sync.Origin;
import org.casfs.sync.SyncState;
import org.casfs.sync.TestImages;
import org.casfs.sync.pull.HttpSource;
import org.casfs.sync.pull.PullConfig;
import org.casfs.sync.pull.Puller;
import org.casfs.sync.trust.SignedHead;
import org.casfs.sync.trust.TrustStore;
import org.casfs.txn.Versions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A neighbour shows a newer head to the peer's head check, then swaps in an older valid one for
 * the pull's own read of it. The peer judged heads against what it runs, stages or offers, the
 * pull only against what runs, so the older head was staged over a newer staged version. Now both
 * judge alike ({@code AcceptedVersions}), and the pull takes nothing older than the head the peer
 * read.
 */
class PeerSwappedHeadTest {
  @TempDir Path tmp;

  @Test
  void anOlderHeadSwappedInForThePullReplacesNothingStaged() throws Exception {
    assertSwapRefused(true);
  }

  @Test
  void anOlderHeadSwappedInForThePullIsRefusedEvenWhenNothingIsStaged() throws Exception {
    assertSwapRefused(false);
  }

  private void assertSwapRefused(boolean stageV4First) throws Exception {
    try (Origin origin = new Origin(tmp.resolve("origin")).serve();
        Repository laptop = Repository.init(tmp.resolve("laptop"), RepoConfig.defaults())) {
      var db = origin.repo.objectDatabase();
      ObjectId v2 = TestImages.version(db, "stable", 2, 3, 2, 3, 0, null);
      ObjectId v3 = TestImages.version(db, "stable", 3, 3, 2, 3, 0.3, v2);
      ObjectId v4 = TestImages.version(db, "stable", 4, 3, 2, 3, 0.6, v3);
      ObjectId v5 = TestImages.version(db, "stable", 5, 3, 2, 3, 0.9, v4);
      TrustStore trust = TrustStore.open(laptop.keysDir());
      trust.add(origin.key.publicKey());
      Versions versions = Versions.of(laptop);
      SyncState laptopState = new SyncState(laptop.kv());
      origin.publish(v2);
      Puller.of(laptop, versions, PullConfig.defaults()).pull(List.of(new HttpSource(origin.url(),
          PullConfig.defaults())), true);
      SignedHead head3 = origin.publish(v3);
      if (stageV4First) {
        origin.publish(v4);
        Puller.of(laptop, versions, PullConfig.defaults()).pull(List.of(new HttpSource(origin.url(),
            PullConfig.defaults())), false);
        assertThat(versions.refs().stagedOrNull()).isEqualTo(v4);
      }
      SignedHead head5 = origin.publish(v5);
      ObjectId stagedBefore = versions.refs().stagedOrNull();
      long offeredBefore = laptopState.offeredHeadOrNull().headUnverified().sequence();

      try (HostileProxy neighbour = new HostileProxy(origin.url())) {
        AtomicInteger heads = new AtomicInteger();
        neighbour.head = head5.encode();
        neighbour.afterHead = () -> {
          if (heads.incrementAndGet() == 1) {
            neighbour.head = head3.encode(); // the peer read #5; the pull reads #3
          }
        };
        PeerConfig d = PeerConfig.defaults(0);
        PeerConfig config = new PeerConfig(new InetSocketAddress("127.0.0.1", 0), List.of(), List.of(neighbour.url()),
            false, d.maxUploads(), Duration.ofMillis(200), d.headChecksPerSecond(), d.neighbourCapacity(), null,
            d.pull(), null);
        List<String> log = new CopyOnWriteArrayList<>();
        try (Peer peer = new Peer(config, versions, trust, log::add, Clock.systemUTC()).start()) {
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
          while (log.stream().noneMatch(l -> l.startsWith("pull of stable#5") || l.startsWith("pulled "))) {
            assertThat(System.nanoTime()).as("waited 30 s; the peer's log: " + log).isLessThan(deadline);
            Thread.sleep(50);
          }
          assertThat(log).as("the peer's log").noneMatch(l -> l.startsWith("pulled "))
              .anyMatch(l -> l.startsWith("pull of stable#5") && l.contains("sequence 3") && l.contains("older than"));
        }
      }
      assertThat(versions.refs().currentOrNull()).isEqualTo(v2);
      assertThat(versions.refs().stagedOrNull()).isEqualTo(stagedBefore);
      assertThat(laptopState.offeredHeadOrNull().headUnverified().sequence()).isEqualTo(offeredBefore);
    }
  }
}
