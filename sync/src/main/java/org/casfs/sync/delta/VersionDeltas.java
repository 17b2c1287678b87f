package org.casfs.sync.delta;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.casfs.cas.DaemonPool;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.ObjectDatabase;

/**
 * Computes the deltas from one version to the next, as an origin does when it signs a version
 * (and {@code casfs delta OLD NEW} by hand): pairs the changed files ({@link ChangedFiles}), runs
 * the {@link DeltaPlanner} on each with {@code threads} workers, stores every kept delta in the
 * {@link DeltaStore} and marks the rest "not worth it". Memory: {@code threads} pairs at a time,
 * each within the budget. Thread-safe (stateless between calls).
 */
public final class VersionDeltas {
  private final ObjectDatabase db;
  private final DeltaPlanner planner;
  private final int threads;

  public VersionDeltas(ObjectDatabase db, DeltaBudget budget, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1");
    }
    this.db = db;
    this.planner = new DeltaPlanner(db.store(), budget);
    this.threads = threads;
  }

  /** What one run did. */
  public record Report(List<FileDelta> files, int unpairedAdded, long wireBytes, long wholeCompressedBytes,
      Map<DeltaEngine, Long> engineAloneBytes, Map<DeltaEngine, Integer> chosenCount, long nanos) {}

  /** Computes (and stores, if {@code storeOrNull} is given) the deltas from {@code oldVersion} to {@code newVersion}. */
  public Report compute(ObjectId oldVersion, ObjectId newVersion, DeltaStore storeOrNull) throws IOException {
    long start = System.nanoTime();
    ChangedFiles.Result changed = new ChangedFiles(db).between(oldVersion, newVersion);
    List<FileDelta> results = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = DaemonPool.fixed(threads, "casfs-delta");
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (FilePair p : changed.pairs()) {
        futures.add(pool.submit(() -> {
          try {
            FileDelta d = planner.compute(p);
            if (storeOrNull != null) {
              if (d.chosenOrNull() != null) {
                storeOrNull.put(d.chosenOrNull());
              } else {
                storeOrNull.markNone(p.oldBlob().id(), p.newBlob().id());
              }
            }
            results.add(d);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while computing deltas", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UncheckedIOException u) {
        throw u.getCause();
      }
      throw new IOException("computing deltas failed: " + e.getCause(), e.getCause());
    } finally {
      DaemonPool.stopAndAwait(pool); // its workers use the repository: done before it may close
    }
    List<FileDelta> files = new ArrayList<>(results);
    files.sort((a, b) -> a.pair().newPath().compareTo(b.pair().newPath()));
    long wire = 0;
    long whole = 0;
    Map<DeltaEngine, Long> alone = new EnumMap<>(DeltaEngine.class);
    Map<DeltaEngine, Integer> chosen = new EnumMap<>(DeltaEngine.class);
    for (FileDelta f : files) {
      wire += f.wireBytes();
      whole += f.wholeCompressed();
      for (DeltaEngine e : DeltaEngine.values()) {
        // an engine alone: its delta where it ran and was smaller than the whole blob, else the blob
        Integer size = f.sizes().get(e);
        alone.merge(e, size != null ? Math.min(size, f.wholeCompressed()) : f.wholeCompressed(), Long::sum);
      }
      if (f.chosenEngineOrNull() != null) {
        chosen.merge(f.chosenEngineOrNull(), 1, Integer::sum);
      }
    }
    return new Report(List.copyOf(files), changed.unpaired().size(), wire, whole, alone, chosen,
        System.nanoTime() - start);
  }
}
