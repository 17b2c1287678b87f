package org.casfs.txn;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILLs a child JVM running commit/switch/rollback/import/gc at random moments and checks the
 * repository after each kill ({@link CrashHarness}). CI runs 30 kills ({@code -Dcrash.kills=N}
 * for more; {@code tools/bench/crash.sh} runs 300). Prints the seed and the counts.
 */
class CrashSafetyTest {
  @TempDir Path tmp;

  @Test
  void killedAtRandomMomentsTheRepositoryIsAlwaysConsistent() throws Exception {
    int kills = Integer.getInteger("crash.kills", 30);
    long seed = Long.getLong("crash.seed", System.nanoTime());
    System.out.println("crash safety: " + kills + " kills, seed " + seed + " (rerun: -Dcrash.seed=" + seed + ")");
    Map<String, Integer> counts;
    try {
      counts = new CrashHarness(tmp, seed).run(kills);
    } catch (AssertionError e) {
      throw new AssertionError("seed " + seed + ": " + e.getMessage(), e);
    }
    counts.forEach((k, n) -> System.out.printf("  %-34s %d%n", k, n));
    assertThat(counts.get("kills")).isEqualTo(kills);
    assertThat(counts.get("fsck clean")).isEqualTo(kills);
  }
}
