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
import org.casfs.sync.Origin;
import org.casfs.sync.SyncState;
import org.casfs.sync.TestImages;
import org.casfs.sync.pull.HttpSource;
import org.casfs.sync.pull.PullConfig;
import org.casfs.sync.pull.Puller;
import org.casfs.sync.trust.TrustStore;
import org.casfs.txn.Versions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A laptop whose pull of v2 was cut off by a power failure after it switched and before it
 * offered v2 on runs v2 and offers v1. Its peer offers what it runs, so its neighbours get v2 from
 * it; before, it announced v1 until the next update came.
 */
class PeerOffersWhatItRunsTest {
  @TempDir Path tmp;

  @Test
  void aPeerOffersTheVersionItRunsWhenItOffersAnOlderOne() throws Exception {
    try (Origin origin = new Origin(tmp.resolve("origin")).serve();
        Repository laptop = Repository.init(tmp.resolve("laptop"), RepoConfig.defaults())) {
      ObjectId v1 = TestImages.version(origin.repo.objectDatabase(), "stable", 1, 3, 2, 5, 0, null);
      ObjectId v2 = TestImages.version(origin.repo.objectDatabase(), "stable", 2, 4, 2, 5, 0, v1);
      TrustStore trust = TrustStore.open(laptop.keysDir());
      trust.add(origin.key.publicKey());
      Versions versions = Versions.of(laptop);
      SyncState state = new SyncState(laptop.kv());
      origin.publish(v1);
      Puller.of(laptop, versions, PullConfig.defaults()).pull(List.of(new HttpSource(origin.url(), PullConfig.defaults())), true);
      origin.publish(v2);
      Puller.of(laptop, versions, PullConfig.defaults()).pull(List.of(new HttpSource(origin.url(), PullConfig.defaults())), true);
      state.setOfferedHead(state.acceptedHeadOrNull(v1)); // what the cut left: v2 runs, v1 is offered
      assertThat(versions.refs().currentOrNull()).isEqualTo(v2);

      PeerConfig d = PeerConfig.defaults(0);
      PeerConfig config = new PeerConfig(new InetSocketAddress("127.0.0.1", 0), List.of(), List.of(), true,
          d.maxUploads(), Duration.ofMillis(200), d.headChecksPerSecond(), d.neighbourCapacity(), null, d.pull(), null);
      List<String> log = new CopyOnWriteArrayList<>();
      try (Peer peer = new Peer(config, versions, trust, log::add, Clock.systemUTC()).start()) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (state.offeredHeadOrNull().headUnverified().sequence() != 2 || peer.finder().current().sequence() != 2) {
          assertThat(System.nanoTime()).as("waited 30 s; the peer's log: " + log).isLessThan(deadline);
          Thread.sleep(20);
        }
        assertThat(state.offeredHeadOrNull().encode()).isEqualTo(state.acceptedHeadOrNull(v2).encode());
        assertThat(log).anyMatch(l -> l.equals("offering " + v2.name() + ", the version this machine runs: the pull"
            + " that brought it stopped before it offered it on"));
      }
    }
  }
}
