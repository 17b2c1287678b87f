package org.casfs.sync.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.casfs.cas.ObjectId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two real JmDNS-based finders on the two ends of a real veth pair (made for the test, removed
 * after): they see each other, follow TXT updates and forget each other on goodbye.
 */
class PeerFinderTest {
  private static final ObjectId V1 = ObjectId.fromString("1111111111111111111111111111111111111111");
  private static final ObjectId V2 = ObjectId.fromString("2222222222222222222222222222222222222222");

  private NetLab lab;
  private InetAddress[] ends;

  @BeforeEach
  void link() throws Exception {
    assumeTrue(NetLab.available(), "needs root and iproute2");
    lab = new NetLab();
    ends = new InetAddress[2];
    lab.link(null, null, 200 + (int) (Math.random() * 40), ends);
  }

  @AfterEach
  void unlink() {
    if (lab != null) {
      lab.close();
    }
  }

  @Test
  void findersOnOneLinkSeeEachOtherAndFollowUpdates() throws Exception {
    List<Neighbour> heardByA = new CopyOnWriteArrayList<>();
    try (PeerFinder a = new PeerFinder(options(ends[0], "casfs-a-" + lab.tag()),
            (n, o) -> heardByA.add(n));
        PeerFinder b = new PeerFinder(options(ends[1], "casfs-b-" + lab.tag()), (n, o) -> { })) {
      a.start(Announcement.of("stable", 1, V1, 7001));
      b.start(Announcement.of("stable", 1, V1, 7002));

      await(() -> find(a, "casfs-b-") != null && find(b, "casfs-a-") != null,
          () -> "mutual discovery; a: " + a.stats() + " b: " + b.stats());
      Neighbour seen = find(a, "casfs-b-");
      assertThat(seen.address().getAddress()).isEqualTo(ends[1]);
      assertThat(seen.address().getPort()).isEqualTo(7002);
      assertThat(seen.announcement()).isEqualTo(Announcement.of("stable", 1, V1, 7002));
      assertThat(seen.baseUrl().toString()).isEqualTo("http://" + ends[1].getHostAddress() + ":7002/");
      assertThat(find(a, "casfs-a-")).as("a peer never lists itself").isNull();

      b.update(Announcement.of("stable", 2, V2, 7002));
      await(() -> find(a, "casfs-b-").announcement().sequence() == 2, "TXT update seen");
      assertThat(find(a, "casfs-b-").announcement().manifestId()).isEqualTo(V2);
      assertThat(heardByA).extracting(n -> n.announcement().sequence()).containsSubsequence(1L, 2L);

      b.close();
      await(() -> find(a, "casfs-b-") == null, "goodbye removes the neighbour");
    }
  }

  static PeerFinderOptions options(InetAddress address, String name) {
    return PeerFinderOptions.defaults(List.of(address)).withInstanceName(name)
        .withTtl(Duration.ofMinutes(1));
  }

  static Neighbour find(PeerFinder finder, String prefix) {
    return finder.neighbours().stream().filter(n -> n.key().startsWith(prefix)).findFirst()
        .orElse(null);
  }

  static void await(BooleanSupplier condition, String what) throws InterruptedException {
    await(condition, () -> what);
  }

  static void await(BooleanSupplier condition, java.util.function.Supplier<String> what)
      throws InterruptedException {
    await(condition, what, 20);
  }

  static void await(BooleanSupplier condition, java.util.function.Supplier<String> what,
      int seconds) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what.get());
      }
      Thread.sleep(50);
    }
  }
}
