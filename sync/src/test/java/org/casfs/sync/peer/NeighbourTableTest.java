package org.casfs.sync.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.casfs.cas.ObjectId;
import org.junit.jupiter.api.Test;

/** The bounded neighbour table, the token bucket and strict TXT parsing. */
class NeighbourTableTest {
  private static final ObjectId ID = ObjectId.fromString("abcdefabcdefabcdefabcdefabcdefabcdefabcd");
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static Neighbour mdns(String key, int seconds) {
    return new Neighbour(key, new InetSocketAddress("10.0.0.1", 7420),
        Announcement.of("stable", 1, ID, 7420), T0.plusSeconds(seconds), Neighbour.Source.MDNS, false);
  }

  @Test
  void fullTableEvictsTheOldestUnverifiedAndKeepsVerifiedAndStatic() {
    NeighbourTable t = new NeighbourTable(3, Duration.ofMinutes(1));
    t.offer(mdns("good", 0));
    t.markVerified("good", true);
    t.offer(new Neighbour("static:x", new InetSocketAddress("10.0.0.9", 1), null, T0,
        Neighbour.Source.STATIC, false));
    t.offer(mdns("a", 1));
    t.offer(mdns("b", 2));
    assertThat(t.offer(mdns("c", 3))).isEqualTo(NeighbourTable.Outcome.ADDED);
    assertThat(t.get("a")).as("oldest unverified made room").isNull();
    assertThat(t.get("good")).isNotNull();
    assertThat(t.get("static:x")).isNotNull();
    assertThat(t.evictions()).isEqualTo(1);
  }

  @Test
  void tableFullOfVerifiedNeighboursRejectsNewcomers() {
    NeighbourTable t = new NeighbourTable(2, Duration.ofMinutes(1));
    t.offer(mdns("a", 0));
    t.offer(mdns("b", 0));
    t.markVerified("a", true);
    t.markVerified("b", true);
    assertThat(t.offer(mdns("c", 1))).isEqualTo(NeighbourTable.Outcome.REJECTED_FULL);
    assertThat(t.size()).isEqualTo(2);
  }

  @Test
  void randomFloodNeverExceedsCapacity() {
    long seed = new Random().nextLong();
    Random r = new Random(seed);
    NeighbourTable t = new NeighbourTable(16, Duration.ofSeconds(30));
    for (int i = 0; i < 20_000; i++) {
      t.offer(mdns("n" + r.nextInt(5000), i / 100));
      if (r.nextInt(50) == 0) {
        t.markVerified("n" + r.nextInt(5000), r.nextBoolean());
      }
      if (i % 1000 == 0) {
        t.expire(T0.plusSeconds(i / 100));
      }
      assertThat(t.size()).as("seed %d", seed).isLessThanOrEqualTo(16);
    }
  }

  @Test
  void expiryForgetsSilentMulticastNeighboursOnly() {
    NeighbourTable t = new NeighbourTable(8, Duration.ofSeconds(10));
    t.offer(mdns("old", 0));
    t.offer(mdns("fresh", 15));
    t.offer(new Neighbour("static:x", new InetSocketAddress("10.0.0.9", 1), null, T0,
        Neighbour.Source.STATIC, false));
    assertThat(t.expire(T0.plusSeconds(20))).isEqualTo(1);
    assertThat(t.get("old")).isNull();
    assertThat(t.get("static:x")).isNotNull();
  }

  @Test
  void tokenBucketAllowsBurstThenRate() {
    AtomicLong now = new AtomicLong();
    TokenBucket b = new TokenBucket(2, 3, now::get);
    int granted = 0;
    for (int i = 0; i < 10; i++) {
      granted += b.tryAcquire() ? 1 : 0;
    }
    assertThat(granted).isEqualTo(3);
    now.addAndGet(1_000_000_000L);
    granted = 0;
    for (int i = 0; i < 10; i++) {
      granted += b.tryAcquire() ? 1 : 0;
    }
    assertThat(granted).isEqualTo(2);
  }

  @Test
  void txtRoundTripsAndGarbageIsRefused() {
    Announcement a = Announcement.of("stable", 42, ID, 7420);
    assertThat(Announcement.fromTxt(a.toTxt())).contains(a);
    Map<String, String> bad = new HashMap<>(a.toTxt());
    bad.put("seq", "-1");
    assertThat(Announcement.fromTxt(bad)).isEmpty();
    bad = new HashMap<>(a.toTxt());
    bad.put("id", "not-an-id");
    assertThat(Announcement.fromTxt(bad)).isEmpty();
    bad = new HashMap<>(a.toTxt());
    bad.put("proto", "2");
    assertThat(Announcement.fromTxt(bad)).as("another protocol version").isEmpty();
    bad = new HashMap<>(a.toTxt());
    bad.put("ch", "has space");
    assertThat(Announcement.fromTxt(bad)).isEmpty();
    bad = new HashMap<>(a.toTxt());
    bad.put("seq", "9".repeat(40));
    assertThat(Announcement.fromTxt(bad)).isEmpty();
    bad = new HashMap<>(a.toTxt());
    bad.remove("port");
    assertThat(Announcement.fromTxt(bad)).isEmpty();
    assertThat(Announcement.nothing("stable", 1).offersNewer("stable", -1)).isFalse();
    assertThat(a.offersNewer("stable", 41)).isTrue();
    assertThat(a.offersNewer("stable", 42)).isFalse();
    assertThat(a.offersNewer("testing", 1)).isFalse();
  }
}
