package org.casfs.sync.delta;

import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.casfs.cas.ObjectId;
import org.casfs.cas.ObjectType;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.cas.store.ObjectInfo;
import org.casfs.sync.server.DeltaSource;

/**
 * Where deltas come from on a machine that serves: the {@link DeltaStore} first (deltas the
 * origin computed when it signed a version, or that this peer received), else computed on demand
 * when both blobs are here — a laptop keeps {@code previous} for rollback, so it can serve the
 * deltas to neighbours one version behind without ever having received them.
 *
 * <p>On-demand work is bounded: at most {@code maxConcurrent} computations at once, each within
 * its {@link DeltaBudget} (memory per engine, bsdiff only under a size), and a request that would
 * wait longer than {@code maxWaitMillis} for a slot gets no delta (the client takes the whole
 * blob). Results, including "not worth it", are cached in the store. Thread-safe.
 */
public final class DeltaService implements DeltaSource {
  /** Deltas over this are not sent (a receiver buffers one delta in memory). */
  public static final int MAX_DELTA_BYTES = 128 << 20;
  /** How long a request waits for the same delta that another request is computing. */
  static final long JOIN_WAIT_MILLIS = 25_000;

  private final ObjectDatabase db;
  private final DeltaStore store;
  private final DeltaPlanner planner;
  private final Semaphore slots;
  /** The computations under way, by delta name: a request for the same pair waits for its result. */
  private final Map<String, CompletableFuture<byte[]>> inFlight = new ConcurrentHashMap<>();
  private final long maxWaitMillis;
  /** Rename pairings of recent (old version, new version) pairs: new blob -> old blob. */
  private final Map<String, Map<ObjectId, ObjectId>> pairings = new LinkedHashMap<>(8, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Map<ObjectId, ObjectId>> eldest) {
      return size() > 4;
    }
  };

  public DeltaService(ObjectDatabase db, DeltaStore store, DeltaBudget onDemand, int maxConcurrent,
      long maxWaitMillis) {
    if (maxConcurrent < 0) {
      throw new IllegalArgumentException("maxConcurrent must not be negative");
    }
    this.db = db;
    this.store = store;
    this.planner = new DeltaPlanner(db.store(), onDemand);
    this.slots = new Semaphore(maxConcurrent);
    this.maxWaitMillis = maxWaitMillis;
  }

  /** A peer's default: one on-demand computation at a time, {@link DeltaBudget#onDemand()}. */
  public static DeltaService forPeer(ObjectDatabase db, DeltaStore store) {
    return new DeltaService(db, store, DeltaBudget.onDemand(), 1, 2_000);
  }

  public DeltaStore store() {
    return store;
  }

  @Override
  public byte[] deltaOrNull(ObjectId oldBlob, ObjectId newBlob) throws IOException {
    byte[] stored = store.getOrNull(oldBlob, newBlob);
    if (stored != null) {
      return stored.length <= MAX_DELTA_BYTES ? stored : null;
    }
    if (oldBlob.equals(newBlob) || store.isMarkedNone(oldBlob, newBlob)) {
      return null;
    }
    ObjectInfo oldInfo = db.store().statOrNull(oldBlob);
    ObjectInfo newInfo = db.store().statOrNull(newBlob);
    if (oldInfo == null || newInfo == null || oldInfo.type() != ObjectType.BLOB || newInfo.type() != ObjectType.BLOB) {
      return null;
    }
    String name = DeltaHeader.name(oldBlob, newBlob);
    CompletableFuture<byte[]> mine = new CompletableFuture<>();
    CompletableFuture<byte[]> running = inFlight.putIfAbsent(name, mine);
    if (running != null) {
      return awaitOrNull(running);
    }
    try {
      byte[] d = computeOrNull(oldBlob, newBlob, oldInfo, newInfo);
      mine.complete(d);
      return d;
    } catch (IOException | RuntimeException e) {
      mine.complete(null);
      throw e;
    } finally {
      inFlight.remove(name, mine);
    }
  }

  /**
   * The delta another request is computing for the same pair, waited for up to {@link
   * #JOIN_WAIT_MILLIS}: a client whose stream waited longer than its patience for a large file's
   * delta asks again while it is still being computed, and got the whole blob (gigabytes, for a
   * few changed bytes), the one slot being busy with the very delta it wanted.
   */
  private static byte[] awaitOrNull(CompletableFuture<byte[]> running) {
    try {
      return running.get(JOIN_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (ExecutionException | TimeoutException e) {
      return null;
    }
  }

  private byte[] computeOrNull(ObjectId oldBlob, ObjectId newBlob, ObjectInfo oldInfo, ObjectInfo newInfo)
      throws IOException {
    try {
      if (!slots.tryAcquire(maxWaitMillis, TimeUnit.MILLISECONDS)) {
        return null;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
    try {
      // another request may have computed it while this one waited
      byte[] again = store.getOrNull(oldBlob, newBlob);
      if (again != null || store.isMarkedNone(oldBlob, newBlob)) {
        return again;
      }
      FilePair pair = new FilePair("", "", oldInfo.hashes(), oldInfo.size(), newInfo.hashes(), newInfo.size());
      FileDelta d = planner.compute(pair);
      if (d.chosenOrNull() == null || d.chosenOrNull().length > MAX_DELTA_BYTES) {
        store.markNone(oldBlob, newBlob);
        return null;
      }
      store.put(d.chosenOrNull());
      return d.chosenOrNull();
    } finally {
      slots.release();
    }
  }

  /** Deltas being computed now (tests). */
  int inFlight() {
    return inFlight.size();
  }

  /** A tree delta's payload and the new tree it rebuilds. */
  public record TreeDelta(org.casfs.cas.Hashes newTree, byte[] payload) {}

  /**
   * A {@link TreeDeltas tree delta} from {@code oldTree} to {@code newTree}, computed now (trees
   * are small: at most {@link TreeDeltas#MAX_TREE_BYTES}; zstd -19 of a 40 KB tree takes ~1 ms);
   * null when either is not a tree here, too large, or the delta is not smaller than the tree.
   */
  public TreeDelta treeDeltaOrNull(ObjectId oldTree, ObjectId newTree) throws IOException {
    byte[] payload = TreeDeltas.betweenOrNull(db.store(), oldTree, newTree);
    return payload == null ? null : new TreeDelta(db.store().statOrNull(newTree).hashes(), payload);
  }

  /**
   * The old blob a client holding {@code oldVersion} has for the file that is {@code newBlob} in
   * {@code newVersion}, found by {@link ChangedFiles} (same path, then renames); null if none.
   */
  public ObjectId pairedOldOrNull(ObjectId oldVersion, ObjectId newVersion, ObjectId newBlob) throws IOException {
    String key = oldVersion.name() + newVersion.name();
    Map<ObjectId, ObjectId> map;
    synchronized (pairings) {
      map = pairings.get(key);
    }
    if (map == null) {
      map = new HashMap<>();
      for (FilePair p : new ChangedFiles(db).between(oldVersion, newVersion).pairs()) {
        map.put(p.newBlob().id(), p.oldBlob().id());
      }
      synchronized (pairings) {
        pairings.put(key, map);
      }
    }
    return map.get(newBlob);
  }
}
