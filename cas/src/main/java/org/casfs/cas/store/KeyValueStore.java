package org.casfs.cas.store;

import java.io.IOException;
import java.util.Collection;

/**
 * Small durable records beside the objects (refs, history, transaction journals, peers, caches),
 * kept in named spaces. Writes go through {@link Batch}es, applied atomically. Thread-safe. This
 * is how modules above {@code cas} use the database without seeing RocksDB.
 */
public interface KeyValueStore {
  /** The value, or null when absent. */
  byte[] getOrNull(String space, byte[] key) throws IOException;

  /** Visits keys starting with {@code prefix} in ascending unsigned byte order, until false. */
  void scan(String space, byte[] prefix, Visitor visitor) throws IOException;

  /** A new empty batch. */
  Batch batch();

  /**
   * Makes these spaces now, together, where each would otherwise be made on its first use. A
   * RocksDB column family is made with a synced manifest write: a new repository's first pull
   * made seven of them, ~30 ms of its time, before 'casfs init' made them all.
   */
  void createSpaces(Collection<String> names) throws IOException;

  @FunctionalInterface
  interface Visitor {
    boolean visit(byte[] key, byte[] value) throws IOException;
  }

  /** Puts and deletes applied all together or not at all. Not thread-safe; one per writer. */
  interface Batch {
    Batch put(String space, byte[] key, byte[] value);

    Batch delete(String space, byte[] key);

    /**
     * Applies the batch. With {@code sync} it is durable (and so is everything written before it)
     * when this returns; use it for writes that make anything reachable.
     */
    void commit(boolean sync) throws IOException;
  }
}
