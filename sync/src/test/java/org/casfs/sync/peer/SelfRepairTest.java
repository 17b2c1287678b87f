package org.casfs.sync.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.RepoConfig;
import org.casfs.cas.store.Repository;
import org.casfs.sync.Origin;
import org.casfs.sync.SyncState;
import org.casfs.sync.TestImages;
import org.casfs.sync.trust.TrustStore;
import org.casfs.sync.wire.StaticPaths;
import org.casfs.txn.Versions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A laptop's peer daemon heals itself from its neighbours: a blob of its version whose file on
 * disk took a flipped bit is found damaged when a neighbour asks for it (or by the daemon's
 * scrub, when nobody does), and the daemon fetches
 * it again from a neighbour, verified, in place of the damaged copy; with no neighbour that has
 * it, it says so once (and tries again later).
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SelfRepairTest {
  @TempDir Path dir;

  @Test
  void aDamagedBlobFoundWhileServingIsFetchedAgainFromANeighbour() throws Exception {
    List<String> log = new CopyOnWriteArrayList<>();
    try (Origin origin = new Origin(dir.resolve("origin"))) {
      ObjectId v1 = TestImages.version(origin.repo.objectDatabase(), "stable", 1, 5, 3, 20, 0, null);
      origin.publish(v1);
      origin.serve();
      try (Repository repo = Repository.init(dir.resolve("laptop"), RepoConfig.defaults().withChannel("stable"))) {
        try (Peer laptop = laptop(repo, origin, log).start()) {
          PeerFinderTest.await(() -> offers(laptop, v1), () -> "the laptop on v1; log " + log, 60);

          Path loose = aLooseBlob(repo.dir());
          ObjectId id = ObjectId.fromString(loose.getParent().getFileName().toString() + loose.getFileName());
          byte[] good = origin.repo.objectDatabase().store().read(id);
          flipABit(loose);

          // A neighbour asks the laptop for it: the laptop's server finds the damage and drops the
          // connection at once (the neighbour goes to another source), and the daemon repairs it.
          long asked = System.nanoTime();
          assertThat(get(laptop, id)).as("not served damaged").isNull();
          assertThat((System.nanoTime() - asked) / 1_000_000).as("ms until the connection dropped").isLessThan(10_000);
          PeerFinderTest.await(() -> log.stream().anyMatch(l -> l.startsWith("repaired damaged object " + id)),
              () -> "a repair; log " + log, 30);
          assertThat(repo.objectDatabase().store().read(id)).isEqualTo(good);
          assertThat(get(laptop, id)).isEqualTo(good);
          assertThat(TestImages.verifyAll(repo.objectDatabase(), v1)).isGreaterThan(60);

          // With the only neighbour gone, a second damaged blob is kept (still damaged) and reported once.
          origin.server.close();
          Path another = aLooseBlobOtherThan(repo.dir(), loose);
          ObjectId id2 = ObjectId.fromString(another.getParent().getFileName().toString() + another.getFileName());
          flipABit(another);
          assertThat(get(laptop, id2)).isNull();
          PeerFinderTest.await(() -> log.stream().anyMatch(l -> l.startsWith("could not repair damaged object " + id2)),
              () -> "a failed repair; log " + log, 30);
          Thread.sleep(2_000);
          assertThat(log.stream().filter(l -> l.startsWith("could not repair damaged object " + id2))).hasSize(1);
          assertThat(get(laptop, id2)).as("never served damaged").isNull();
        }
      }
    }
  }

  /**
   * A blob whose file the laptop's disk cannot read (a directory stands in for a bad sector's
   * EIO), asked for by a neighbour: the laptop's server names the object to its daemon, which reads
   * it again and repairs it, where an unnamed read error told nobody.
   */
  @Test
  void aBlobTheDiskCannotReadFoundWhileServingIsFetchedAgain() throws Exception {
    List<String> log = new CopyOnWriteArrayList<>();
    withALaptop(log, false, (origin, repo, laptop) -> {
      Path loose = aLooseBlob(repo.dir());
      ObjectId id = idOf(loose);
      byte[] good = origin.repo.objectDatabase().store().read(id);
      Files.delete(loose);
      Files.createDirectory(loose);
      assertThat(get(laptop, id)).as("not served").isNull();
      PeerFinderTest.await(() -> readsAs(repo, id, good) && log.stream().anyMatch(l -> l.startsWith("repaired ")),
          () -> "a repair; log " + log, 30);
      assertThat(get(laptop, id)).isEqualTo(good);
    });
  }

  /** Rot in a blob nobody asks for is found by the daemon's scrub, and repaired the same way. */
  @Test
  void theScrubFindsRotNobodyAskedForAndItIsRepaired() throws Exception {
    List<String> log = new CopyOnWriteArrayList<>();
    withALaptop(log, true, (origin, repo, laptop) -> {
      Path loose = aLooseBlob(repo.dir());
      ObjectId id = idOf(loose);
      byte[] good = origin.repo.objectDatabase().store().read(id);
      flipABit(loose);
      PeerFinderTest.await(() -> log.stream().anyMatch(l -> l.startsWith("repaired damaged object " + id)),
          () -> "a repair; log " + log, 30);
      PeerFinderTest.await(() -> log.stream().anyMatch(l -> l.startsWith("scrub read ") && l.contains(": 1 damaged")),
          () -> "the scrub's line; log " + log, 30);
      assertThat(repo.objectDatabase().store().read(id)).isEqualTo(good);
      assertThat(new SyncState(repo.kv()).lastScrubMillis()).isGreaterThan(0);
      assertThat(laptop.status().toText()).contains("store: last whole scrub 20")
          .contains(", 0 damaged objects waiting for a neighbour to repair them");
    });
  }

  /**
   * A file the laptop's disk cannot read (a bad sector gives EIO; with no device-mapper here, a
   * directory stands in the object file's place, and read() fails with EISDIR): the scrub counts it
   * damaged and goes on to the objects after it, where it stopped the whole pass until the daemon
   * restarted, and the repair writes a good copy. Rot in a later blob is found in the same pass.
   */
  @Test
  void aFileTheDiskCannotReadIsCountedDamagedAndTheScrubGoesOn() throws Exception {
    List<String> log = new CopyOnWriteArrayList<>();
    withALaptop(log, true, (origin, repo, laptop) -> {
      Path unreadable = aLooseBlob(repo.dir()); // the smallest id: the scrub reads it first
      Path rotten = aLooseBlobOtherThan(repo.dir(), unreadable);
      ObjectId first = idOf(unreadable);
      ObjectId second = idOf(rotten);
      byte[] good = origin.repo.objectDatabase().store().read(first);
      byte[] good2 = origin.repo.objectDatabase().store().read(second);
      Files.delete(unreadable);
      Files.createDirectory(unreadable);
      flipABit(rotten);
      PeerFinderTest.await(() -> log.stream().anyMatch(l -> l.startsWith("scrub read ") && l.contains(": 2 damaged")),
          () -> "the scrub's line; log " + log, 30);
      PeerFinderTest.await(() -> readsAs(repo, first, good) && readsAs(repo, second, good2)
          && log.stream().anyMatch(l -> l.startsWith("repaired ")), () -> "both repaired; log " + log, 30);
      assertThat(log).noneMatch(l -> l.startsWith("scrub stopped"));
    });
  }

  @FunctionalInterface
  private interface LaptopScenario {
    void run(Origin origin, Repository repo, Peer laptop) throws Exception;
  }

  /**
   * An origin offering v1 and a laptop's peer daemon that took it (and, if {@code scrubbing},
   * scrubs every second, its first pass at once); {@code scenario} runs once the laptop offers v1.
   */
  private void withALaptop(List<String> log, boolean scrubbing, LaptopScenario scenario) throws Exception {
    try (Origin origin = new Origin(dir.resolve("origin"))) {
      ObjectId v1 = TestImages.version(origin.repo.objectDatabase(), "stable", 1, 6, 3, 20, 0, null);
      origin.publish(v1);
      origin.serve();
      try (Repository repo = Repository.init(dir.resolve("laptop"), RepoConfig.defaults().withChannel("stable"))) {
        Peer daemon = laptop(repo, origin, log);
        if (scrubbing) {
          daemon.scrub(Duration.ofSeconds(1), Duration.ZERO, 200_000_000);
        }
        try (Peer laptop = daemon.start()) {
          PeerFinderTest.await(() -> offers(laptop, v1), () -> "the laptop on v1; log " + log, 60);
          scenario.run(origin, repo, laptop);
        }
      }
    }
  }

  private static boolean readsAs(Repository repo, ObjectId id, byte[] expected) {
    try {
      return java.util.Arrays.equals(repo.objectDatabase().store().read(id), expected);
    } catch (IOException e) {
      return false;
    }
  }

  private static ObjectId idOf(Path loose) {
    return ObjectId.fromString(loose.getParent().getFileName().toString() + loose.getFileName());
  }

  /** A laptop's peer daemon (not started) that trusts the origin and has it as its one static neighbour. */
  private static Peer laptop(Repository repo, Origin origin, List<String> log) throws IOException {
    TrustStore trust = TrustStore.open(repo.keysDir());
    trust.add(origin.key.publicKey());
    PeerConfig d = PeerConfig.defaults(0);
    PeerConfig config = new PeerConfig(new InetSocketAddress("127.0.0.1", 0), List.of(), List.of(origin.url()),
        true, 4, Duration.ofMillis(300), 20, 64, null, d.pull(), null);
    return new Peer(config, Versions.of(repo), trust, log::add, Clock.systemUTC());
  }

  private static boolean offers(Peer p, ObjectId v) {
    try {
      return p.status().offering() != null && p.status().offering().manifestId().equals(v);
    } catch (IOException e) {
      return false;
    }
  }

  /** The body of {@code GET /v1/objects/..} from the laptop, or null if it was not served whole. */
  private static byte[] get(Peer laptop, ObjectId id) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    try {
      HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + laptop.port() + "/" + StaticPaths.object(id)))
          .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofByteArray());
      return r.statusCode() == 200 ? r.body() : null;
    } catch (IOException e) {
      return null; // the server dropped the connection mid-body: it found the damage
    }
  }

  private static Path aLooseBlob(Path repo) throws IOException {
    return aLooseBlobOtherThan(repo, null);
  }

  private static Path aLooseBlobOtherThan(Path repo, Path not) throws IOException {
    try (Stream<Path> s = Files.walk(repo.resolve("objects"))) {
      List<Path> files = new ArrayList<>(s.filter(Files::isRegularFile).filter(p -> !p.equals(not)).sorted().toList());
      assertThat(files).as("loose blobs in the laptop's store").isNotEmpty();
      return files.get(0);
    }
  }

  private static void flipABit(Path file) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      long at = f.length() / 2;
      f.seek(at);
      int b = f.read();
      f.seek(at);
      f.write(b ^ 0x10);
    }
  }
}
