package org.casfs.cas.io;

import org.casfs.cas.store.KeyValueStore;

/**
 * How {@link Importer} works.
 *
 * @param statCache where to remember files already hashed (key: absolute path; value: size,
 *     mtime, ctime, inode, device and the blob's hashes) so a re-import does not read unchanged
 *     files again; null for none. Usually {@code repository.kv()}.
 * @param threads how many threads read and hash file contents; at least 1
 */
public record ImportOptions(KeyValueStore statCache, int threads) {
  /** The key space of the stat cache in the {@link KeyValueStore}. */
  public static final String STAT_CACHE_SPACE = "import-stat-cache";

  public ImportOptions {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1: " + threads);
    }
  }

  /** No stat cache; one thread per core. */
  public static ImportOptions defaults() {
    return new ImportOptions(null, Runtime.getRuntime().availableProcessors());
  }

  public ImportOptions withStatCache(KeyValueStore kv) {
    return new ImportOptions(kv, threads);
  }

  public ImportOptions withThreads(int n) {
    return new ImportOptions(statCache, n);
  }
}
