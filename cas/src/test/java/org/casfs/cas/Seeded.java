package org.casfs.cas;

import java.util.Random;

/**
 * Runs a property with a seed from {@code -Dcasfs.seed=N} (or a fresh one) and names the seed in
 * the failure, so a failing run can be repeated exactly.
 */
public final class Seeded {
  private Seeded() {}

  @FunctionalInterface
  public interface Body {
    void run(Random rnd, RandomObjects gen) throws Exception;
  }

  public static void run(Body body) throws Exception {
    long seed = RandomObjects.seed();
    try {
      Random rnd = new Random(seed);
      body.run(rnd, new RandomObjects(rnd));
    } catch (Throwable t) {
      AssertionError e = new AssertionError("failed with seed " + seed + "; repeat with -Dcasfs.seed=" + seed
          + ": " + t, t);
      throw e;
    }
  }
}
