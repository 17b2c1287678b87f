package org.casfs.cas.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Where reading goes on after a damaged block, against a model of a table: sorted keys in blocks,
 * one of them damaged, and a seek that fails when it must read that block (it lands on the first
 * key at or after the target, in whatever block holds it). Seeded; the seed is in every message.
 */
class SkipDamageTest {
  private static final int RUNS = 300;

  @Test
  void resumesAtTheFirstKeyAfterTheDamagedBlockAndNeverBeforeTheLastGoodOne() {
    long seed = Long.getLong("seed", new Random().nextLong());
    Random random = new Random(seed);
    for (int run = 0; run < RUNS; run++) {
      TreeSet<byte[]> keys = new TreeSet<>(Arrays::compareUnsigned);
      int keyLength = random.nextBoolean() ? 20 : 2 + random.nextInt(40);
      int count = 2 + random.nextInt(200); // fewer than the 256 distinct keys of one byte
      while (keys.size() < count) {
        byte[] k = new byte[random.nextBoolean() ? keyLength : 1 + random.nextInt(keyLength)];
        random.nextBytes(k);
        keys.add(k);
      }
      byte[][] sorted = keys.toArray(new byte[0][]);
      int blockSize = 1 + random.nextInt(16);
      int damagedBlock = random.nextInt((sorted.length + blockSize - 1) / blockSize);
      int firstDamaged = damagedBlock * blockSize;
      int afterDamaged = Math.min(sorted.length, firstDamaged + blockSize);
      byte[] lastGood = firstDamaged == 0 ? null : sorted[firstDamaged - 1];

      byte[] resume = SkipDamage.resumeAfter(lastGood, target -> {
        byte[] landing = keys.ceiling(target);
        if (landing == null) {
          return true; // the end: nothing damaged to read
        }
        int at = Arrays.binarySearch(sorted, landing, Arrays::compareUnsigned);
        return at < firstDamaged || at >= afterDamaged;
      });

      String why = "seed " + seed + ", run " + run + ": last good " + hex(lastGood) + ", resumed at " + hex(resume);
      if (lastGood != null) {
        assertThat(Arrays.compareUnsigned(resume, lastGood)).as(why).isPositive();
      }
      byte[] landing = keys.ceiling(resume);
      if (afterDamaged < sorted.length) {
        // no good key after the damage is skipped (to the precision searched)
        assertThat(landing).as(why).isEqualTo(sorted[afterDamaged]);
      } else {
        assertThat(landing).as(why).isNull();
      }
    }
  }

  private static String hex(byte[] bytes) {
    return bytes == null ? "(none)" : java.util.HexFormat.of().formatHex(bytes);
  }

  @Test
  void nothingReadableAfterTheDamageMeansNoResumePoint() {
    assertThat(SkipDamage.resumeAfter(new byte[] {1, 2, 3}, target -> false)).isNull();
    assertThat(SkipDamage.resumeAfter(null, target -> false)).isNull();
  }

  @Test
  void aKeyAsLongAsThePrecisionResumesPastItsFirstBytes() {
    byte[] last = new byte[SkipDamage.PRECISION + 5];
    Arrays.fill(last, (byte) 0x7f);
    byte[] resume = SkipDamage.resumeAfter(last, target -> true);
    assertThat(Arrays.compareUnsigned(resume, last)).isPositive();
    byte[] allOnes = new byte[SkipDamage.PRECISION];
    Arrays.fill(allOnes, (byte) 0xff);
    assertThat(SkipDamage.resumeAfter(allOnes, target -> true)).isNull();
  }
}
