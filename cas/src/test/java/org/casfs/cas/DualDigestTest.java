package org.casfs.cas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * DualDigest clones fresh digests instead of asking the security providers for each: the
 * standard test vectors, agreement with {@code MessageDigest.getInstance} on random inputs
 * (arrays and buffers, split anywhere), reuse after {@code finish}, and many threads at once.
 */
class DualDigestTest {
  @Test
  void standardVectors() {
    DualDigest d = new DualDigest();
    byte[] abc = "abc".getBytes(StandardCharsets.US_ASCII);
    d.update(abc, 0, abc.length);
    Hashes h = d.finish();
    assertThat(h.id().name()).isEqualTo("a9993e364706816aba3e25717850c26c9cd0d89d");
    assertThat(HexFormat.of().formatHex(h.sha256().toRaw()))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    Hashes empty = d.finish();
    assertThat(empty.id().name()).as("finish resets").isEqualTo("da39a3ee5e6b4b0d3255bfef95601890afd80709");
  }

  @Test
  void agreesWithTheJdkDigestsFromManyThreads() throws Exception {
    long seed = new Random().nextLong();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        long threadSeed = seed + t;
        runs.add(pool.submit(() -> {
          Random r = new Random(threadSeed);
          for (int i = 0; i < 200; i++) {
            byte[] b = new byte[r.nextInt(200_000)];
            r.nextBytes(b);
            int split = b.length == 0 ? 0 : r.nextInt(b.length);
            DualDigest d = new DualDigest();
            d.update(b, 0, split);
            d.update(ByteBuffer.wrap(b, split, b.length - split));
            assertThat(d.length()).isEqualTo(b.length);
            Hashes h = d.finish();
            assertThat(h.id().toRaw()).as("seed " + seed).isEqualTo(MessageDigest.getInstance("SHA-1").digest(b));
            assertThat(h.sha256().toRaw()).as("seed " + seed).isEqualTo(MessageDigest.getInstance("SHA-256").digest(b));
          }
          return null;
        }));
      }
      for (Future<?> f : runs) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
