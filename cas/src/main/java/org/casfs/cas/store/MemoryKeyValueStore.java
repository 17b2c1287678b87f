package org.casfs.cas.store;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A {@link KeyValueStore} in memory, for tests. Batches apply atomically under one lock; a scan
 * copies what it visits under the same lock, so like a RocksDB iterator it sees a batch wholly or
 * not at all (and its visitor may write without deadlocking). Thread-safe.
 */
public final class MemoryKeyValueStore implements KeyValueStore {
  private final Map<String, ConcurrentSkipListMap<byte[], byte[]>> spaces = new ConcurrentHashMap<>();
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

  private ConcurrentSkipListMap<byte[], byte[]> space(String name) {
    return spaces.computeIfAbsent(name, k -> new ConcurrentSkipListMap<>(Arrays::compareUnsigned));
  }

  @Override
  public void createSpaces(Collection<String> names) {
    names.forEach(this::space);
  }

  @Override
  public byte[] getOrNull(String space, byte[] key) {
    byte[] v = space(space).get(key);
    return v == null ? null : v.clone();
  }

  @Override
  public void scan(String space, byte[] prefix, Visitor visitor) throws IOException {
    List<byte[][]> view = new ArrayList<>();
    lock.readLock().lock();
    try {
      for (Map.Entry<byte[], byte[]> e : space(space).tailMap(prefix, true).entrySet()) {
        byte[] k = e.getKey();
        if (k.length < prefix.length || !Arrays.equals(k, 0, prefix.length, prefix, 0, prefix.length)) {
          break;
        }
        view.add(new byte[][] {k.clone(), e.getValue().clone()});
      }
    } finally {
      lock.readLock().unlock();
    }
    for (byte[][] kv : view) {
      if (!visitor.visit(kv[0], kv[1])) {
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
        lock.writeLock().lock();
        try {
          ops.forEach(Runnable::run);
        } finally {
          lock.writeLock().unlock();
        }
      }
    };
  }
}
