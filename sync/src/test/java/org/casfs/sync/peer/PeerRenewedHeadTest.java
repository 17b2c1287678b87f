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
import org.casfs.cas.store.Repository;
import org.casfs.sync.Origin;
import org.casfs.sync.Publisher;
import org.casfs.sync.SyncState;
import org.casfs.sync.TestImages;
import org.casfs.sync.trust.TrustStore;
import org.casfs.txn.Versions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A head the origin renewed spreads like an update: a laptop's peer that runs the version already
 * takes the renewed head (nothing fetched, no flip, its rollback target kept) and offers it on,
 * so its neighbours that were away get a head that has not expired.
 */
class PeerRenewedHeadTest {
  @TempDir Path tmp;

  @Test
  void aPeerTakesTheRenewedHeadOfItsVersionAndOffersItOn() throws Exception {
    try (Origin origin = new Origin(tmp.resolve("origin"));
        Repository laptop = Repository.init(tmp.resolve("laptop"), org.casfs.cas.store.RepoConfig.defaults())) {
      ObjectId v1 = TestImages.version(origin.repo.objectDatabase(), "stable", 1, 3, 2, 5, 0, null);
      ObjectId v2 = TestImages.version(origin.repo.objectDatabase(), "stable", 2, 4, 2, 5, 0, v1);
      origin.publish(v1);
      origin.serve();
      TrustStore trust = TrustStore.open(laptop.keysDir());
      trust.add(origin.key.publicKey());
      Versions versions = Versions.of(laptop);
      PeerConfig d = PeerConfig.defaults(0);
      PeerConfig config = new PeerConfig(new InetSocketAddress("127.0.0.1", 0), List.of(), List.of(origin.url()), true,
          d.maxUploads(), Duration.ofMillis(200), d.headChecksPerSecond(), d.neighbourCapacity(), null, d.pull(), null);
      List<String> log = new CopyOnWriteArrayList<>();
      SyncState laptopState = new SyncState(laptop.kv());
      try (Peer peer = new Peer(config, versions, trust, log::add, Clock.systemUTC()).start()) {
        waitFor(() -> v1.equals(versions.refs().currentOrNull()), log);
        // v2, signed five days ago for seven: past half its validity
        long fiveDaysAgo = System.currentTimeMillis() - Duration.ofDays(5).toMillis();
        new Publisher(origin.repo.objectDatabase(), origin.state, origin.key, () -> fiveDaysAgo).trustingThisClock().publish(v2,
            Duration.ofDays(7));
        // A pull switches before it offers the version on: wait for both.
        waitFor(() -> v2.equals(versions.refs().currentOrNull())
            && laptopState.offeredHeadOrNull().headUnverified().sequence() == 2, log);
        int flips = versions.refs().history().size();

        Publisher.Renewal renewal = new Publisher(origin.repo.objectDatabase(), origin.state, origin.key,
            System::currentTimeMillis).renewIfDue();
        assertThat(renewal.renewedOrNull()).as(renewal.messageOrNull()).isNotNull();
        waitFor(() -> laptopState.offeredHeadOrNull().headUnverified().sequence() == 3, log);
        assertThat(laptopState.offeredHeadOrNull().encode()).isEqualTo(renewal.renewedOrNull().encode());
        assertThat(versions.refs().currentOrNull()).isEqualTo(v2);
        assertThat(versions.refs().history()).as("no flip for a renewed head").hasSize(flips);
        assertThat(versions.refs().getOrNull("previous")).as("the rollback target kept").isEqualTo(v1);
        // The log line follows the offer.
        waitFor(() -> log.stream().anyMatch(l -> l.startsWith("pulled stable#3 ") && l.contains(": 0 objects")), log);
      }
    }
  }

  private interface Condition {
    boolean holds() throws Exception;
  }

  private static void waitFor(Condition c, List<String> log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!c.holds()) {
      assertThat(System.nanoTime()).as("waited 30 s; the peer's log: " + log).isLessThan(deadline);
      Thread.sleep(50);
    }
  }
}
