package org.casfs.cas.check;

/** The seed of randomized tests here: {@code -Dcasfs.seed=N} or a fresh one, printed so a failure can be repeated. */
final class RandomSeed {
  private RandomSeed() {}

  static long get() {
    long seed = org.casfs.cas.RandomObjects.seed();
    System.out.println("casfs.seed=" + seed);
    return seed;
  }
}
