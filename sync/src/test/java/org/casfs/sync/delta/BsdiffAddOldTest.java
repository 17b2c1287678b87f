package org.casfs.sync.delta;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Property: bsdiff's add step equals its definition, byte by byte, for runs that start before
 * the old blob, inside it, and past its end (old bytes outside count as 0), with diff streams
 * from all zero (copied in bulk) to no zero at all, and runs longer than one search for zeros.
 */
class BsdiffAddOldTest {
  private static final long SEED = Long.getLong("casfs.seed", System.nanoTime());

  @Test
  void addingOldBytesMatchesTheDefinitionEverywhere() {
    Random r = new Random(SEED);
    for (int round = 0; round < 3_000; round++) {
      int scale = round % 10 == 0 ? 12_000 : 80;
      byte[] old = new byte[r.nextInt(scale * 4 / 5)];
      r.nextBytes(old);
      int x = r.nextInt(scale);
      byte[] diff = new byte[x + r.nextInt(8)];
      fillWithZeroRuns(r, diff, r.nextDouble());
      int diffPos = diff.length - x == 0 ? 0 : r.nextInt(diff.length - x + 1);
      long oldPos = r.nextInt(scale * 5 / 2) - scale * 5 / 4;
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

  /** Runs of zeros and of random bytes; {@code zeroShare} of the runs are zeros. */
  private static void fillWithZeroRuns(Random r, byte[] diff, double zeroShare) {
    int i = 0;
    while (i < diff.length) {
      int run = Math.min(diff.length - i, 1 + r.nextInt(r.nextBoolean() ? 8 : 5_000));
      if (r.nextDouble() >= zeroShare) {
        byte[] bytes = new byte[run];
        r.nextBytes(bytes);
        System.arraycopy(bytes, 0, diff, i, run);
      }
      i += run;
    }
  }
}
