package org.casfs.cas.store;

import java.io.IOException;

/**
 * Changes to one key space in batches of at most a given size, each committed unsynced when full,
 * so that no batch grows with the work (the stat cache after an import, an index being built).
 * Not thread-safe.
 */
public final class BatchWriter {
  private final KeyValueStore kv;
  private final String space;
  private final int perBatch;
  private KeyValueStore.Batch batch;
  private int count;

  public BatchWriter(KeyValueStore kv, String space, int perBatch) {
    this.kv = kv;
    this.space = space;
    this.perBatch = perBatch;
  }

  public void put(byte[] key, byte[] value) throws IOException {
    batch().put(space, key, value);
    counted();
  }

  public void delete(byte[] key) throws IOException {
    batch().delete(space, key);
    counted();
  }

  /**
   * Commits what is left; with {@code sync}, everything written before is durable too. The next
   * batch is opened by the next change (an open one holds native memory until it is committed).
   */
  public void finish(boolean sync) throws IOException {
    if (batch != null) {
      batch.commit(sync);
      batch = null;
    } else if (sync) {
      kv.batch().commit(true);
    }
  }

  private KeyValueStore.Batch batch() {
    if (batch == null) {
      batch = kv.batch();
    }
    return batch;
  }

  private void counted() throws IOException {
    if (++count % perBatch == 0) {
      finish(false);
    }
  }
}
