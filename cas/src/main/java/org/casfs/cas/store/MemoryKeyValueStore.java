package org.casfs.cas.store;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/** A {@link KeyValueStore} in memory, for tests. Batches apply atomically under one lock. */
public final class MemoryKeyValueStore implements KeyValueStore {
  private final Map<String, ConcurrentSkipListMap<byte[], byte[]>> spaces = new ConcurrentHashMap<>();

  private ConcurrentSkipListMap<byte[], byte[]> space(String name) {
    return spaces.computeIfAbsent(name, k -> new ConcurrentSkipListMap<>(Arrays::compareUnsigned));
  }

  @Override
  public byte[] getOrNull(String space, byte[] key) {
    byte[] v = space(space).get(key);
    return v == null ? null : v.clone();
  }

  @Override
  public void scan(String space, byte[] prefix, Visitor visitor) throws IOException {
    for (Map.Entry<byte[], byte[]> e : space(space).tailMap(prefix, true).entrySet()) {
      byte[] k = e.getKey();
      if (k.length < prefix.length || !Arrays.equals(k, 0, prefix.length, prefix, 0, prefix.length)) {
        return;
      }
      if (!visitor.visit(k.clone(), e.getValue().clone())) {
        return;
      }
    }
  }

  @Override
  public Batch batch() {
    List<Runnable> ops = new ArrayList<>();
    return new Batch() {
      @Override
      public Batch put(String space, byte[] key, byte[] value) {
        byte[] k = key.clone();
        byte[] v = value.clone();
        ops.add(() -> space(space).put(k, v));
        return this;
      }

      @Override
      public Batch delete(String space, byte[] key) {
        byte[] k = key.clone();
        ops.add(() -> space(space).remove(k));
        return this;
      }

      @Override
      public void commit(boolean sync) {
        synchronized (MemoryKeyValueStore.this) {
          ops.forEach(Runnable::run);
        }
      }
    };
  }
}
