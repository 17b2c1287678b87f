package org.casfs.sync.pull;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.Random;
import org.casfs.cas.Entry;
import org.casfs.cas.Manifest;
import org.casfs.cas.Metadata;
import org.casfs.cas.Name;
import org.casfs.cas.ObjectId;
import org.casfs.cas.ObjectType;
import org.casfs.cas.Tree;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.sync.Client;
import org.casfs.sync.HostileProxy;
import org.casfs.sync.Origin;
import org.casfs.sync.TestImages;
import org.casfs.sync.server.Server;
import org.casfs.sync.server.ServerConfig;
import org.casfs.sync.wire.RateLimit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A poor link is slow, not hostile: a source under the rate floor is dropped only while another
 * source is left to do the work; the only source left is held to a sixteenth of the floor, so an
 * update still arrives over a link slower than the floor (here 1,500 bytes a second against a floor
 * of 4,096), while a trickle of a byte a second is still given up on (HostileSourceTest). Before,
 * the only source was dropped after one rate window and the update could never arrive.
 */
class SlowLinkTest {
  private static final PullConfig FLOOR_4K_OVER_1S = PullConfig.defaults().withAttempts(1)
      .withRate(4096, Duration.ofSeconds(1), Duration.ofSeconds(10));

  @TempDir Path tmp;
  Origin origin;
  Client client;
  HostileProxy slowLink;
  ObjectId version;

  @BeforeEach
  void setUp() throws Exception {
    origin = new Origin(tmp.resolve("origin")).serve();
    client = new Client(tmp.resolve("client"), origin.key.publicKey());
    client.config = FLOOR_4K_OVER_1S;
    version = smallVersion(origin.repo.objectDatabase(), 6_000);
    origin.publish(version);
    slowLink = new HostileProxy(origin.url());
    slowLink.bytesPerSecond = 1_500;
  }

  @AfterEach
  void tearDown() throws Exception {
    slowLink.close();
    client.close();
    origin.close();
  }

  @Test
  void theOnlySourceBehindALinkSlowerThanTheFloorDeliversTheUpdate() throws Exception {
    RecordedNotes recorded = new RecordedNotes();
    long start = System.nanoTime();
    Puller.Result r = client.puller().listener(recorded).pull(List.of(new HttpSource(slowLink.url(),
        client.config)), true);
    long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
    assertThat(r.manifest()).isEqualTo(version);
    assertThat(client.refs.current).isEqualTo(version);
    assertThat(TestImages.verifyAll(client.repo.objectDatabase(), version)).as("manifest, two trees, one blob").isEqualTo(4);
    assertThat(seconds).as("the stream took several rate windows to arrive").isGreaterThanOrEqualTo(3);
    assertThat(recorded.notes).as("nothing was dropped").noneMatch(n -> n.contains("dropped"));
  }

  @Test
  void aSlowSourceIsStillDroppedWhileAFasterOneIsLeft() throws Exception {
    RecordedNotes recorded = new RecordedNotes();
    Puller.Result r = client.puller().listener(recorded).pull(List.of(
        new HttpSource(slowLink.url(), client.config), new HttpSource(origin.url(), client.config)), true);
    assertThat(r.manifest()).isEqualTo(version);
    assertThat(recorded.notes).anyMatch(n -> n.startsWith(slowLink.url() + " dropped: ") && n.contains("too slow"));
  }

  /**
   * A school server capped with {@code --max-rate} while a class updates at once: each laptop gets
   * a share far under the floor, and each still gets the update (before, every one of them gave
   * its only source up after one rate window).
   */
  @Test
  void laptopsSharingAThrottledServerAllGetTheUpdate() throws Exception {
    origin.server.close();
    origin.server = new Server(origin.repo.objectDatabase(), origin.state, ServerConfig.loopback(0))
        .limitUploads(new RateLimit(4096)).start();
    List<Client> laptops = new ArrayList<>();
    ExecutorService together = Executors.newFixedThreadPool(3);
    try {
      List<Future<Puller.Result>> pulls = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Client laptop = new Client(tmp.resolve("laptop-" + i), origin.key.publicKey());
        laptop.config = FLOOR_4K_OVER_1S;
        laptops.add(laptop);
      }
      for (Client laptop : laptops) {
        pulls.add(together.submit(() -> laptop.pull(origin.url(), true)));
      }
      for (Future<Puller.Result> pull : pulls) {
        assertThat(pull.get(60, TimeUnit.SECONDS).manifest()).isEqualTo(version);
      }
    } finally {
      together.shutdownNow();
      for (Client laptop : laptops) {
        laptop.close();
      }
    }
  }

  /**
   * A link that drops every fetch stream after 64 KiB: each round stores what arrived and the pull
   * goes on for as many rounds as it takes instead of giving up after {@code attempts} (1 here)
   * and leaving the user to rerun it; a stream that breaks before its first object (its first blob
   * longer than the link stays up) gives way to object-by-object requests from the same source.
   */
  @Test
  void aLinkThatKeepsDroppingStillDeliversTheUpdateRoundByRound() throws Exception {
    ObjectId bigger = TestImages.version(origin.repo.objectDatabase(), "stable", 2, 7, 3, 10, 0, version);
    origin.publish(bigger);
    slowLink.bytesPerSecond = 0;
    slowLink.cutEveryFetchAfter = 64 << 10;
    client.config = PullConfig.defaults().withAttempts(1);
    RecordedNotes recorded = new RecordedNotes();
    Puller.Result r = client.puller().listener(recorded).pull(List.of(new HttpSource(slowLink.url(), client.config)),
        true);
    assertThat(r.manifest()).isEqualTo(bigger);
    assertThat(TestImages.verifyAll(client.repo.objectDatabase(), bigger)).isGreaterThan(30);
    assertThat(recorded.notes).as("a round cut short and retried").anyMatch(n -> n.contains("will retry"));
  }

  /**
   * A 3 MiB blob over a link that drops every transfer after 1 MiB: each round keeps what arrived
   * and asks for the rest with a range, so it arrives in pieces. Before 5092006 only blobs of 8 MiB
   * and more kept their prefix: this one started again each round and never arrived.
   */
  @Test
  void aBlobLongerThanTheLinkStaysUpArrivesPieceByPiece() throws Exception {
    assertArrivesThroughALinkCutEvery(3 << 20, 1 << 20);
  }

  /**
   * A 512 KiB blob, held in memory by a fetch stream, over a link that drops every transfer after
   * 128 KiB: the stream breaks before it, the object-by-object requests keep what arrived and go on
   * by range. Before a2c8c2d only blobs over 1 MiB kept their prefix and this one never arrived.
   */
  @Test
  void aSmallerBlobLongerThanTheLinkStaysUpArrivesToo() throws Exception {
    assertArrivesThroughALinkCutEvery(512 << 10, 128 << 10);
  }

  /** A version of one blob of {@code size} bytes arrives through a link cutting every transfer. */
  private void assertArrivesThroughALinkCutEvery(int size, long cutAfter) throws Exception {
    ObjectId v = smallVersion(origin.repo.objectDatabase(), size, 2, version);
    origin.publish(v);
    slowLink.bytesPerSecond = 0;
    slowLink.cutEveryFetchAfter = cutAfter;
    slowLink.cutEveryObjectAfter = cutAfter;
    client.config = PullConfig.defaults().withAttempts(2);
    RecordedNotes recorded = new RecordedNotes();
    Puller.Result r = client.puller().listener(recorded).pull(List.of(new HttpSource(slowLink.url(), client.config)),
        true);
    assertThat(r.manifest()).isEqualTo(v);
    assertThat(TestImages.verifyAll(client.repo.objectDatabase(), v)).as("manifest, two trees, one blob").isEqualTo(4);
    assertThat(recorded.notes).as("resumed from a kept prefix").anyMatch(n -> n.startsWith("resuming "));
  }

  /** One directory holding one file of {@code size} random (incompressible) bytes. */
  private static ObjectId smallVersion(ObjectDatabase db, int size) throws Exception {
    return smallVersion(db, size, 1, null);
  }

  private static ObjectId smallVersion(ObjectDatabase db, int size, long sequence, ObjectId parent) throws Exception {
    byte[] bytes = new byte[size];
    new Random(42).nextBytes(bytes);
    Metadata meta = Metadata.of(0644, 0, 0, 1_700_000_000_000_000_000L);
    Entry file = Entry.file(Name.of("data"), meta, size, db.store().insert(ObjectType.BLOB, bytes).hashes());
    Metadata dirMeta = Metadata.of(0755, 0, 0, 1_700_000_000_000_000_000L);
    Entry dir = Entry.directory(Name.of("etc"), dirMeta, db.writeTree(Tree.of(List.of(file))));
    Manifest m = new Manifest(db.writeTree(Tree.of(List.of(dir))), dirMeta, "stable", sequence, "v" + sequence, parent,
        1_700_000_000_000L + sequence);
    return db.writeManifest(m).id();
  }
}
