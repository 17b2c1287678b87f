package org.casfs.sync.delta;

import com.github.luben.zstd.ZstdCompressCtx;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.ObjectReader;

/**
 * Per file, the smallest delta: runs every engine the {@link DeltaBudget} allows on a pair (bsdiff
 * not where zstd found the old blob shares nothing with the new one),
 * verifies each result by applying it (a delta that does not reproduce the blob is an engine bug
 * and is dropped), and keeps the smallest if it is clearly smaller than the zstd-compressed whole
 * blob. On the real bookworm security update each engine alone costs 2.5-3x the bytes of this
 * choice (docs/BENCHMARKS.md).
 *
 * <p>Memory: one pair at a time per thread, each engine within {@code budget.memoryBytes()}; blobs
 * are read through {@link BlobSource} (windows for large files). Thread-safe: separate calls may
 * run in parallel.
 */
public final class DeltaPlanner {
  /** See {@link #oldSharesNothing}. */
  private static final double NOTHING_SHARED = 0.95;
  /**
   * From this size of the new blob on, a cheap look comes first: zstd at {@link #PROBE_LEVEL} with
   * and without the old blob as its dictionary. If the old blob shares nothing with the new one
   * ({@link #NOTHING_SHARED}), no engine runs and the whole blob is what goes on the wire (its size
   * as compressed at that level, the level a server's streams use by default): a 6 MB file made
   * anew cost two passes of zstd -19 over incompressible bytes, 3 s, to keep no delta; the look
   * costs ~20 ms. On the bookworm update's 702 pairs, that look and zstd -19 agreed on every pair
   * but two gzip files whose zstd -19 deltas were 0.94 of the whole, too large to keep anyway.
   */
  static final long PROBE_FROM = 1 << 20;
  private static final int PROBE_LEVEL = 1;

  private final ObjectReader blobs;
  private final DeltaBudget budget;

  public DeltaPlanner(ObjectReader blobs, DeltaBudget budget) {
    this.blobs = blobs;
    this.budget = budget;
  }

  public DeltaBudget budget() {
    return budget;
  }

  /** The encoders the budget allows for a pair of these sizes, cheapest first. */
  List<DeltaEncoder> encodersFor(long oldSize, long newSize) {
    List<DeltaEncoder> list = new ArrayList<>();
    boolean large = Math.max(oldSize, newSize) > budget.largeBlob();
    list.add(Deltas.zstdEncoder(large ? budget.largeZstdLevel() : budget.zstdLevel()));
    if (oldSize <= budget.bsdiffLimit() && newSize <= budget.bsdiffLimit()) {
      list.add(Deltas.bsdiffEncoder(budget.bsdiffLimit()));
    }
    list.removeIf(e -> e.encodeMemory(oldSize, newSize) > budget.memoryBytes() || !e.accepts(oldSize, newSize));
    return list;
  }

  /** Computes and compares the candidates for one pair. */
  public FileDelta compute(FilePair pair) throws IOException {
    long start = System.nanoTime();
    Map<DeltaEngine, Integer> sizes = new EnumMap<>(DeltaEngine.class);
    byte[] best = null;
    DeltaEngine bestEngine = null;
    long whole;
    try (BlobSource oldBlob = BlobSources.open(blobs, pair.oldBlob().id(), pair.oldSize());
        BlobSource newBlob = BlobSources.open(blobs, pair.newBlob().id(), pair.newSize())) {
      List<DeltaEncoder> encoders = encodersFor(oldBlob.size(), newBlob.size());
      // The look runs only where zstd may run at all: within the budget's memory.
      if (pair.newSize() >= PROBE_FROM && encoders.stream().anyMatch(e -> e.engine() == DeltaEngine.ZSTD)) {
        long probeWhole = compressedSize(newBlob, PROBE_LEVEL);
        if (zstdDeltaSize(oldBlob, newBlob, PROBE_LEVEL) >= NOTHING_SHARED * probeWhole) {
          return new FileDelta(pair, sizes, probeWhole, null, null, System.nanoTime() - start);
        }
      }
      whole = compressedSize(newBlob, pair.newSize() > budget.largeBlob() ? budget.largeZstdLevel() : budget.zstdLevel());
      for (DeltaEncoder enc : encoders) {
        if (enc.engine() == DeltaEngine.BSDIFF && oldSharesNothing(sizes, whole)) {
          continue;
        }
        byte[] d = Deltas.create(enc, pair.oldBlob().id(), oldBlob, pair.newBlob(), newBlob);
        if (!reproduces(d, pair.oldBlob().id(), pair, oldBlob)) {
          continue;
        }
        sizes.put(enc.engine(), d.length);
        if (best == null || d.length < best.length) {
          best = d;
          bestEngine = enc.engine();
        }
      }
    }
    if (best != null && best.length > budget.keepRatio() * whole) {
      best = null;
      bestEngine = null;
    }
    return new FileDelta(pair, sizes, whole, best, bestEngine, System.nanoTime() - start);
  }

  /**
   * True if zstd, which ran first, found next to nothing of the new blob in the old one: its delta
   * is no smaller than {@link #NOTHING_SHARED} of the new blob compressed alone. bsdiff, whose
   * search is slowest where matches are fewest (1.6 s a MiB of unrelated bytes here), is then not
   * run: a blob recompressed or regenerated whole (an initramfs, a .gz, a firmware image) changes
   * in every byte. On the bookworm security update (702 pairs) this skipped bsdiff on 54 pairs,
   * none of which bsdiff had made worth keeping; the 8 it won had zstd deltas of 0.03-0.24 of
   * the whole.
   */
  private static boolean oldSharesNothing(Map<DeltaEngine, Integer> sizes, long whole) {
    Integer zstd = sizes.get(DeltaEngine.ZSTD);
    return zstd != null && zstd >= NOTHING_SHARED * whole;
  }

  /** The size of the zstd delta at {@code level}, not kept. */
  private static long zstdDeltaSize(BlobSource oldBlob, BlobSource newBlob, int level) throws IOException {
    long[] n = {0};
    Deltas.zstdEncoder(level).encode(oldBlob, newBlob, new OutputStream() {
      @Override
      public void write(int b) {
        n[0]++;
      }

      @Override
      public void write(byte[] b, int off, int len) {
        n[0] += len;
      }
    });
    return n[0];
  }

  private static boolean reproduces(byte[] delta, ObjectId oldId, FilePair pair, BlobSource oldBlob) throws IOException {
    try {
      Deltas.apply(new ByteArrayInputStream(delta), oldId, pair.newBlob(), oldBlob, OutputStream.nullOutputStream());
      return true;
    } catch (CorruptDeltaException e) {
      return false;
    }
  }

  /** The size of the whole blob compressed with zstd, as it would go on the wire without a delta. */
  static long compressedSize(BlobSource blob, int level) throws IOException {
    if (blob.size() <= BlobSources.IN_MEMORY) {
      try (ZstdCompressCtx ctx = new ZstdCompressCtx()) {
        ctx.setLevel(level);
        return ctx.compress(blob.readAll(BlobSources.IN_MEMORY)).length;
      }
    }
    long total = 0;
    int chunk = 16 << 20;
    for (long pos = 0; pos < blob.size(); pos += chunk) {
      int n = (int) Math.min(chunk, blob.size() - pos);
      try (ZstdCompressCtx ctx = new ZstdCompressCtx()) {
        ctx.setLevel(level);
        total += ctx.compress(blob.read(pos, n)).length;
      }
    }
    return total;
  }
}
