package org.casfs.cas.store;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.function.Predicate;

/**
 * Where reading an ordered key space can go on after a damaged stretch of it (a table block whose
 * checksum fails): the smallest seek target past the last key read from which the space reads
 * again. Keys are compared as unsigned bytes. A damaged block is one range of keys, and a seek to
 * any key beyond it lands past it, so the target is found by doubling steps from the last good key
 * and then halving: about 2 x 256 seeks per damaged block, none of them reading a damaged block
 * twice in a row. Stateless.
 */
final class SkipDamage {
  /** Keys are searched to this many leading bytes (ids are 20; longer keys are caches' own). */
  static final int PRECISION = 32;

  private SkipDamage() {}

  /**
   * The smallest target (to {@link #PRECISION} bytes) after {@code lastGoodOrNull} (null: the
   * damage is at the start) from which {@code readableFrom} says the space reads (to its end,
   * possibly), or null if none does. The target is always greater than the last good key.
   */
  static byte[] resumeAfter(byte[] lastGoodOrNull, Predicate<byte[]> readableFrom) {
    BigInteger limit = BigInteger.ONE.shiftLeft(8 * PRECISION);
    BigInteger base = firstCandidate(lastGoodOrNull);
    if (base.compareTo(limit) >= 0) {
      return null;
    }
    if (readableFrom.test(key(base))) {
      return key(base);
    }
    BigInteger bad = base;
    BigInteger good = null;
    for (int bit = 0; good == null && bad.compareTo(limit.subtract(BigInteger.ONE)) < 0; bit++) {
      BigInteger candidate = base.add(BigInteger.ONE.shiftLeft(bit)).min(limit.subtract(BigInteger.ONE));
      if (readableFrom.test(key(candidate))) {
        good = candidate;
      } else {
        bad = candidate;
      }
    }
    if (good == null) {
      return null;
    }
    while (good.subtract(bad).compareTo(BigInteger.ONE) > 0) {
      BigInteger mid = bad.add(good).shiftRight(1);
      if (readableFrom.test(key(mid))) {
        good = mid;
      } else {
        bad = mid;
      }
    }
    return key(good);
  }

  /**
   * The first target past the last good key: that key padded with zeros (a longer key with the same
   * start sorts after it), or, for a key of {@link #PRECISION} bytes or more, its first bytes plus one.
   */
  private static BigInteger firstCandidate(byte[] lastGoodOrNull) {
    if (lastGoodOrNull == null) {
      return BigInteger.ZERO;
    }
    BigInteger head = new BigInteger(1, Arrays.copyOf(lastGoodOrNull, PRECISION));
    return lastGoodOrNull.length < PRECISION ? head : head.add(BigInteger.ONE);
  }

  private static byte[] key(BigInteger value) {
    byte[] raw = value.toByteArray(); // big-endian, maybe with a leading sign byte
    byte[] key = new byte[PRECISION];
    int n = Math.min(raw.length, PRECISION);
    System.arraycopy(raw, raw.length - n, key, PRECISION - n, n);
    return key;
  }
}
