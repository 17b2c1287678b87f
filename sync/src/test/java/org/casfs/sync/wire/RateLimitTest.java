package org.casfs.sync.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.casfs.cas.ObjectId;
import org.casfs.sync.Client;
import org.casfs.sync.LimitedPulls;
import org.casfs.sync.Origin;
import org.casfs.sync.pull.PullConfig;
import org.casfs.sync.server.Server;
import org.casfs.sync.server.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The limits of {@code casfs serve --max-rate}, {@code casfs peer --max-upload-rate} and {@code casfs pull
 * --limit-rate}.
 */
class RateLimitTest {
  @TempDir Path tmp;

  private long now;
  private final List<Long> sleeps = new ArrayList<>();

  private RateLimit limit(long bytesPerSecond) {
    return new RateLimit(bytesPerSecond, () -> now, nanos -> {
      sleeps.add(nanos);
      now += nanos;
    });
  }

  @Test
  void aQuarterSecondGoesAtOnceThenBytesWaitForTheirTurn() throws Exception {
    RateLimit limit = limit(1000);
    limit.acquire(250);
    assertThat(sleeps).as("a quarter second's worth at once").isEmpty();
    limit.acquire(1000);
    assertThat(sleeps).containsExactly(1_000_000_000L);
    now += 10_000_000_000L; // idle: the burst comes back, no credit beyond it
    sleeps.clear();
    limit.acquire(250);
    assertThat(sleeps).isEmpty();
    limit.acquire(500);
    assertThat(sleeps).containsExactly(500_000_000L);
  }

  @Test
  void streamsWrappedByOneLimitShareIt() throws Exception {
    RateLimit limit = limit(64 * 1024);
    ByteArrayOutputStream a = new ByteArrayOutputStream();
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    try (OutputStream la = limit.wrap(a); OutputStream lb = limit.wrap(b)) {
      la.write(new byte[64 * 1024]);
      lb.write(new byte[64 * 1024]);
      lb.write(7);
    }
    assertThat(a.size()).isEqualTo(64 * 1024);
    assertThat(b.size()).isEqualTo(64 * 1024 + 1);
    long slept = sleeps.stream().mapToLong(Long::longValue).sum();
    // 128 KiB + 1 byte at 64 KiB/s, less the quarter second that may go at once
    assertThat(slept).isBetween(1_740_000_000L, 1_760_000_000L);
  }

  @Test
  void aWrappedInputWaitsAfterEachPieceItReads() throws Exception {
    RateLimit limit = limit(16 * 1024); // pieces of 1 KiB (a sixteenth of a second's worth)
    byte[] buf = new byte[64 * 1024];
    try (java.io.InputStream in = limit.wrap(new java.io.ByteArrayInputStream(new byte[8 * 1024]))) {
      int total = 0;
      for (int n; (n = in.read(buf)) > 0; ) {
        assertThat(n).as("one piece a read").isEqualTo(1024);
        total += n;
      }
      assertThat(total).isEqualTo(8 * 1024);
    }
    long slept = sleeps.stream().mapToLong(Long::longValue).sum();
    assertThat(slept).as("8 KiB at 16 KiB/s, less the quarter second that may come at once").isEqualTo(250_000_000L);
  }

  @Test
  void aClientWithALimitReceivesNoFasterThanIt() throws Exception {
    try (Origin origin = new Origin(tmp.resolve("origin"));
        Client client = new Client(tmp.resolve("client"), origin.key.publicKey())) {
      ObjectId v1 = LimitedPulls.publishedVersion(origin);
      origin.serve();
      client.config = PullConfig.defaults().withDownloadLimit(new RateLimit(LimitedPulls.RATE));
      LimitedPulls.assertNoFasterThan(LimitedPulls.RATE, v1, () -> client.pull(origin.url(), true));
    }
    assertThatThrownBy(() -> PullConfig.defaults().withDownloadLimit(new RateLimit(400)))
        .hasMessageContaining("under twice the 256 even the only source left must send to be kept");
  }

  @Test
  void aServerWithALimitSendsNoFasterThanIt() throws Exception {
    try (Origin origin = new Origin(tmp.resolve("origin"));
        Client client = new Client(tmp.resolve("client"), origin.key.publicKey())) {
      ObjectId v1 = LimitedPulls.publishedVersion(origin);
      origin.server = new Server(origin.repo.objectDatabase(), origin.state, ServerConfig.loopback(0))
          .limitUploads(new RateLimit(LimitedPulls.RATE)).start();
      LimitedPulls.assertNoFasterThan(LimitedPulls.RATE, v1, () -> client.pull(origin.url(), true));
    }
  }
}
