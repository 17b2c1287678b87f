package org.casfs.cas.store;

import java.util.concurrent.Executor;

/**
 * Where the in-memory caches of the store do their upkeep (eviction, expiry): on the thread that
 * reads or writes, not on the common fork-join pool Caffeine uses by default. The upkeep is a
 * few map operations; handing it to another thread woke a pool thread (a futex call and a
 * context switch) on nearly every write: in a profile of a laptop's daemon applying the v1 -> v2
 * update, 25 of 155 wall-clock samples of the pulling thread were that wake-up, storing the trees
 * and reading the old ones (docs/BENCHMARKS.md).
 */
final class CacheUpkeep {
  static final Executor ON_CALLER = Runnable::run;

  private CacheUpkeep() {}
}
