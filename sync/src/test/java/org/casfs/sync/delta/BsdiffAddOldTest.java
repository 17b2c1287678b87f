package org.casfs.sync.delta;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Property: bsdiff's add step equals its definition, byte by byte, for runs that start before
 * the old blob, inside it, and past its end (old bytes outside count as 0).
 */
class BsdiffAddOldTest {
  private static final long SEED = Long.getLong("casfs.seed", System.nanoTime());

  @Test
  void addingOldBytesMatchesTheDefinitionEverywhere() {
    Random r = new Random(SEED);
    for (int round = 0; round < 2_000; round++) {
      byte[] old = new byte[r.nextInt(64)];
      r.nextBytes(old);
      int x = r.nextInt(80);
      byte[] diff = new byte[x + r.nextInt(8)];
      r.nextBytes(diff);
      int diffPos = diff.length - x == 0 ? 0 : r.nextInt(diff.length - x + 1);
      long oldPos = r.nextInt(200) - 100;
      byte[] expected = new byte[x + 5];
      byte[] actual = expected.clone();
      for (int i = 0; i < x; i++) {
        long o = oldPos + i;
        expected[3 + i] = (byte) (diff[diffPos + i] + (o >= 0 && o < old.length ? old[(int) o] : 0));
      }
      BsdiffDelta.addOld(old, oldPos, diff, diffPos, actual, 3, x);
      assertThat(actual).as("seed %d round %d: old %d bytes, run of %d at %d", SEED, round, old.length, x, oldPos)
          .isEqualTo(expected);
    }
  }
}
