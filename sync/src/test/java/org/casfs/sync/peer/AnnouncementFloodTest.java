package org.casfs.sync.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.RepoConfig;
import org.casfs.cas.store.Repository;
import org.casfs.sync.Origin;
import org.casfs.sync.TestImages;
import org.casfs.sync.trust.TrustStore;
import org.casfs.txn.Versions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flood of thousands of fake {@code _casfs._tcp} announcements (raw mDNS packets, each
 * claiming a much newer version) on a real veth link while a real origin publishes an update:
 * the victim's neighbour table stays within its capacity, the heads it reads stay within its
 * rate budget, and it still pulls and switches to the real update from the real neighbour.
 */
class AnnouncementFloodTest {
  private static final int CAPACITY = 32;
  private static final double HEAD_READS_PER_SECOND = 4;
  private static final int FAKES = 3000;

  @TempDir Path dir;

  @Test
  void floodCostsBoundedWorkAndTheRealUpdateStillArrives() throws Exception {
    assumeTrue(NetLab.available(), "needs root and iproute2");
    List<String> log = new CopyOnWriteArrayList<>();
    try (NetLab lab = new NetLab(); Origin origin = new Origin(dir.resolve("origin"))) {
      InetAddress[] ends = new InetAddress[2];
      lab.link(null, null, 150 + new Random().nextInt(25), ends);
      var db = origin.repo.objectDatabase();
      ObjectId v1 = TestImages.version(db, "stable", 1, 3, 2, 10, 0, null);
      ObjectId v2 = TestImages.version(db, "stable", 2, 3, 2, 10, 0.5, v1);
      origin.publish(v1);
      PeerConfig oc = new PeerConfig(new InetSocketAddress(ends[1], 0), List.of(ends[1]), List.of(),
          false, 8, Duration.ofSeconds(1), 4, 64, "origin-" + lab.tag(),
          PeerConfig.defaults(0).pull(), null);
      try (Repository victimRepo = Repository.init(dir.resolve("victim"),
              RepoConfig.defaults().withChannel("stable"));
          Peer originPeer = new Peer(oc, Versions.of(origin.repo),
              TrustStore.open(origin.repo.keysDir()), l -> { }, Clock.systemUTC()).start()) {
        TrustStore trust = TrustStore.open(victimRepo.keysDir());
        trust.add(origin.key.publicKey());
        PeerConfig vc = new PeerConfig(new InetSocketAddress(ends[0], 0), List.of(ends[0]),
            List.of(), true, 4, Duration.ofSeconds(1), HEAD_READS_PER_SECOND, CAPACITY,
            "victim-" + lab.tag(), PeerConfig.defaults(0).pull(), null);
        try (Peer victim = new Peer(vc, Versions.of(victimRepo), trust, log::add,
            Clock.systemUTC()).start()) {
          PeerFinderTest.await(() -> offering(victim, v1), () -> "v1 before the flood; " + log, 60);

          long checksBefore = victim.headChecks();
          long start = System.nanoTime();
          Random random = new Random(1);
          try (MdnsFlood flood = new MdnsFlood(ends[1])) {
            for (int i = 0; i < FAKES; i++) {
              byte[] id = new byte[20];
              random.nextBytes(id);
              // Port 9 on the real neighbour's address: nothing listens, each head read fails fast.
              flood.announce("fake-" + i, ends[1], 9,
                  Announcement.of("stable", 99, ObjectId.fromRaw(id), 9).toTxt());
              if (i == FAKES / 3) {
                origin.publish(v2);
                originPeer.wakeUp();
              }
              if (i % 2 == 0) { // ~2,000 a second: a flood that a loaded victim still hears some of
                Thread.sleep(1);
              }
            }
          }
          PeerFinderTest.await(() -> offering(victim, v2), () -> "v2 despite the flood; "
              + victim.finder().stats() + " " + log, 90);
          double seconds = (System.nanoTime() - start) / 1e9;
          long checks = victim.headChecks() - checksBefore;
          PeerFinder.Stats stats = victim.finder().stats();
          System.out.printf("flood: %d fakes, heard %d announcements, %d neighbours kept, %d evicted,"
              + " %d head reads in %.1f s, heap used %d MiB%n", FAKES, stats.announcementsHeard(),
              stats.neighbours(), stats.evictions(), checks, seconds, usedHeapMiB());

          // The kernel drops much of a flood at the socket buffer; hundreds still arrive.
          assertThat(stats.announcementsHeard()).as("the flood reached the victim").isGreaterThan(200);
          assertThat(victim.finder().table().size()).isLessThanOrEqualTo(CAPACITY);
          assertThat(checks).as("head reads within the budget")
              .isLessThanOrEqualTo((long) (HEAD_READS_PER_SECOND * seconds) + 2 * (long) HEAD_READS_PER_SECOND + 1);
        }
      }
    }
  }

  private static boolean offering(Peer p, ObjectId v) {
    try {
      return p.status().offering().manifestId().equals(v);
    } catch (IOException e) {
      return false;
    }
  }

  private static long usedHeapMiB() {
    Runtime r = Runtime.getRuntime();
    System.gc();
    return (r.totalMemory() - r.freeMemory()) >> 20;
  }
}
