package org.casfs.cas.store;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Changes to one key space, written unsynced in batches of at most a given size, so that no batch
 * grows with the work (the stat cache during an import, an index being built). The changes wait
 * here, in Java, until a batch is full: nothing native stays open, so a writer dropped half way (an
 * import that failed) leaves nothing behind but garbage. Not thread-safe.
 */
public final class BatchWriter {
  private final KeyValueStore kv;
  private final String space;
  private final int perBatch;
  private final List<byte[]> keys = new ArrayList<>();
  /** Parallel to {@link #keys}: the value to put, or null to delete. */
  private final List<byte[]> values = new ArrayList<>();

  public BatchWriter(KeyValueStore kv, String space, int perBatch) {
    this.kv = kv;
    this.space = space;
    this.perBatch = perBatch;
  }

  public void put(byte[] key, byte[] value) throws IOException {
    add(key, value);
  }

  public void delete(byte[] key) throws IOException {
    add(key, null);
  }

  /** Writes what waits; with {@code sync}, everything written before is durable too. */
  public void finish(boolean sync) throws IOException {
    KeyValueStore.Batch batch = kv.batch();
    for (int i = 0; i < keys.size(); i++) {
      if (values.get(i) == null) {
        batch.delete(space, keys.get(i));
      } else {
        batch.put(space, keys.get(i), values.get(i));
      }
    }
    keys.clear();
    values.clear();
    batch.commit(sync);
  }

  private void add(byte[] key, byte[] valueOrNull) throws IOException {
    keys.add(key);
    values.add(valueOrNull);
    if (keys.size() >= perBatch) {
      finish(false);
    }
  }
}
