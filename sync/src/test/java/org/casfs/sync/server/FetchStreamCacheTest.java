package org.casfs.sync.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.casfs.cas.ObjectId;
import org.casfs.sync.Client;
import org.casfs.sync.Origin;
import org.casfs.sync.TestImages;
import org.casfs.sync.pull.Puller;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Laptops in the same state ask an origin for the same update with the same request: the second
 * one gets the bytes the first was sent, and still verifies every object; a laptop in another
 * state gets its own stream. New laptops installing a whole version get a stream kept on disk.
 */
class FetchStreamCacheTest {
  @TempDir Path tmp;

  @Test
  void identicalRequestsGetTheSameStreamFromTheCacheAndEachClientVerifiesIt() throws Exception {
    try (Origin origin = new Origin(tmp.resolve("origin"));
        Client a = new Client(tmp.resolve("a"), origin.key.publicKey());
        Client b = new Client(tmp.resolve("b"), origin.key.publicKey());
        Client fresh = new Client(tmp.resolve("fresh"), origin.key.publicKey())) {
      var odb = origin.repo.objectDatabase();
      ObjectId v1 = TestImages.version(odb, "stable", 1, 42, 4, 12, 0, null);
      origin.publish(v1);
      origin.serve();
      origin.server.cacheFetchStreams();
      a.pull(origin.url(), true);
      b.pull(origin.url(), true);
      long cachedAfterV1 = origin.server.fetchesFromCache();
      assertThat(cachedAfterV1).as("two clients with nothing ask alike").isEqualTo(1);

      ObjectId v2 = TestImages.version(odb, "stable", 2, 42, 4, 12, 0.2, v1);
      origin.publish(v2);
      // Bytes counted where the client reads them: the server counts a write after it returns,
      // which may be after the client has the bytes.
      Puller.Result first = a.pull(origin.url(), true);
      Puller.Result second = b.pull(origin.url(), true);
      assertThat(origin.server.fetchesFromCache()).isEqualTo(cachedAfterV1 + 1);
      assertThat(second.manifest()).isEqualTo(first.manifest()).isEqualTo(v2);
      assertThat(second.bytesReceived()).as("the same bytes on the wire").isEqualTo(first.bytesReceived());
      assertThat(TestImages.verifyAll(b.repo.objectDatabase(), v2)).isGreaterThan(40);

      assertThat(fresh.pull(origin.url(), true).manifest()).isEqualTo(v2);
      assertThat(origin.server.fetchesFromCache()).as("a client without v1 asks otherwise")
          .isEqualTo(cachedAfterV1 + 1);
      assertThat(TestImages.verifyAll(fresh.repo.objectDatabase(), v2)).isGreaterThan(40);
    }
  }

  @Test
  void aWholeVersionIsKeptOnDiskForTheNextNewMachineWithinTheBudget() throws Exception {
    Path cacheDir = tmp.resolve("origin-cache");
    Files.createDirectories(cacheDir);
    Files.writeString(cacheDir.resolve("left-over.tmp"), "from a server that was killed");
    try (Origin origin = new Origin(tmp.resolve("origin"));
        Client a = new Client(tmp.resolve("a"), origin.key.publicKey());
        Client b = new Client(tmp.resolve("b"), origin.key.publicKey());
        Client c = new Client(tmp.resolve("c"), origin.key.publicKey())) {
      ObjectId v1 = TestImages.version(origin.repo.objectDatabase(), "stable", 1, 7, 8, 40, 0, null);
      origin.publish(v1);
      origin.serve();
      origin.server.cacheFetchStreams(cacheDir, 1L << 30);
      assertThat(filesIn(cacheDir)).as("emptied when the cache opens").isZero();

      Puller.Result first = a.pull(origin.url(), true);
      assertThat(first.bytesReceived()).as("a stream too large for memory").isGreaterThan(FetchStreamCache.MAX_IN_MEMORY_BYTES);
      assertThat(origin.server.fetchStreamsOnDisk()).isEqualTo(1);
      assertThat(filesIn(cacheDir)).as("the kept stream, no temporary left").isEqualTo(1);

      Puller.Result second = b.pull(origin.url(), true);
      assertThat(origin.server.fetchesFromCache()).isEqualTo(1);
      assertThat(second.bytesReceived()).as("the same bytes, from the file").isEqualTo(first.bytesReceived());
      assertThat(second.manifest()).isEqualTo(v1);
      assertThat(TestImages.verifyAll(b.repo.objectDatabase(), v1)).isGreaterThan(300);

      // A budget below the stream's size keeps nothing: the next machine gets a stream made for it.
      origin.server.cacheFetchStreams(cacheDir, 4L << 20);
      c.pull(origin.url(), true);
      assertThat(origin.server.fetchStreamsOnDisk()).isZero();
      assertThat(filesIn(cacheDir)).as("the partial copy was deleted").isZero();
      assertThat(origin.server.fetchesFromCache()).isEqualTo(1);
      assertThat(TestImages.verifyAll(c.repo.objectDatabase(), v1)).isGreaterThan(300);

      origin.server.cacheFetchStreams(cacheDir, 1L << 30);
      Client d = new Client(tmp.resolve("d"), origin.key.publicKey());
      try (d) {
        d.pull(origin.url(), true);
      }
      assertThat(filesIn(cacheDir)).isEqualTo(1);
      origin.server.close();
      assertThat(filesIn(cacheDir)).as("a stopped server leaves no stream behind").isZero();
    }
  }

  private static long filesIn(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.count();
    }
  }
}
