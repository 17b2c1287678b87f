package org.casfs.sync.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
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
 * state gets its own stream.
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
      long s0 = origin.server.bytesSent();
      Puller.Result first = a.pull(origin.url(), true);
      long s1 = origin.server.bytesSent();
      Puller.Result second = b.pull(origin.url(), true);
      long s2 = origin.server.bytesSent();
      assertThat(origin.server.fetchesFromCache()).isEqualTo(cachedAfterV1 + 1);
      assertThat(second.manifest()).isEqualTo(first.manifest()).isEqualTo(v2);
      assertThat(s2 - s1).as("the same bytes on the wire").isEqualTo(s1 - s0);
      assertThat(TestImages.verifyAll(b.repo.objectDatabase(), v2)).isGreaterThan(40);

      assertThat(fresh.pull(origin.url(), true).manifest()).isEqualTo(v2);
      assertThat(origin.server.fetchesFromCache()).as("a client without v1 asks otherwise")
          .isEqualTo(cachedAfterV1 + 1);
      assertThat(TestImages.verifyAll(fresh.repo.objectDatabase(), v2)).isGreaterThan(40);
    }
  }
}
