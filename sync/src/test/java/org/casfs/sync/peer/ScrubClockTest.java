package org.casfs.sync.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.casfs.cas.ObjectType;
import org.casfs.cas.store.RepoConfig;
import org.casfs.cas.store.Repository;
import org.casfs.sync.SyncState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A laptop whose clock was set back (a dead clock battery resets it at boot; without the internet
 * no time server corrects it) finds its last scrub "in the future": the weekly pass must not wait
 * for the clock to catch up, which may take years.
 */
class ScrubClockTest {
  @TempDir Path tmp;

  @Test
  void aLastPassInTheFutureOfThisClockMakesAPassDueNow() throws Exception {
    try (Repository repo = Repository.init(tmp.resolve("repo"), RepoConfig.defaults())) {
      repo.objects().insert(ObjectType.BLOB, new byte[100_000]);
      repo.objects().flush();
      SyncState state = new SyncState(repo.kv());
      Instant lastPass = Instant.parse("2026-11-30T08:00:00Z");
      state.setLastScrubMillis(lastPass.toEpochMilli());
      Clock resetAtBoot = Clock.fixed(Instant.parse("2020-01-01T00:00:00Z"), ZoneOffset.UTC);
      List<String> log = new CopyOnWriteArrayList<>();
      try (Scrub scrub = new Scrub(repo.objects(), state, Duration.ofDays(7), Duration.ZERO, 100_000_000,
          id -> {}, log::add, resetAtBoot).start()) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (scrub.passes() == 0 && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertThat(scrub.passes()).as("a pass, log " + log).isGreaterThanOrEqualTo(1);
      }
      assertThat(state.lastScrubMillis()).isEqualTo(resetAtBoot.millis());
    }
  }
}
