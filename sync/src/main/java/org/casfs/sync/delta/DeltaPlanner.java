package org.casfs.sync.delta;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
  /**
   * A block delta of at most this share of a large blob (compressed at {@link #PROBE_LEVEL}) is
   * taken without running the other engines: on a 100 MiB file changed in place and appended to,
   * it is the size of the changes, while zstd's windows, the other engine for such sizes, took
   * 7 s at level 12 to make a delta of a third of the file.
   */
  private static final int CLEARLY_SMALL = 16;

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
    Candidates found = new Candidates(pair);
    long inMemory = budget.inMemoryBlobBytes();
    try (BlobSource oldBlob = BlobSources.open(blobs, pair.oldBlob().id(), pair.oldSize(), inMemory);
        BlobSource newBlob = BlobSources.open(blobs, pair.newBlob().id(), pair.newSize(), inMemory)) {
      long quickWhole = -1; // the new blob compressed at PROBE_LEVEL, once known
      if (Math.max(oldBlob.size(), newBlob.size()) > budget.largeBlob()) {
        // Large blobs: the block engine first, whose delta for a file changed in a few places is
        // about the size of the changes; then the others only where it did not find that.
        quickWhole = compressedSize(newBlob, PROBE_LEVEL);
        found.tryEncoder(Deltas.encoder(DeltaEngine.BLOCKS), oldBlob, newBlob, quickWhole);
        if (found.best != null && found.best.length <= quickWhole / CLEARLY_SMALL) {
          return found.result(quickWhole, start);
        }
        if (zstdInWindows(oldBlob.size(), newBlob.size()) && blocksFoundNothing(found, quickWhole)) {
          return found.result(quickWhole, start);
        }
      }
      List<DeltaEncoder> encoders = encodersFor(oldBlob.size(), newBlob.size());
      // The look runs only where zstd may run at all: within the budget's memory.
      if (pair.newSize() >= PROBE_FROM && encoders.stream().anyMatch(e -> e.engine() == DeltaEngine.ZSTD)) {
        long probeWhole = quickWhole >= 0 ? quickWhole : compressedSize(newBlob, PROBE_LEVEL);
        if (zstdDeltaSize(oldBlob, newBlob, PROBE_LEVEL) >= NOTHING_SHARED * probeWhole) {
          found.tooLarge.add(DeltaEngine.ZSTD); // its look found nothing worth a delta
          return found.result(probeWhole, start);
        }
      }
      long whole = compressedSize(newBlob, pair.newSize() > budget.largeBlob() ? budget.largeZstdLevel() : budget.zstdLevel());
      for (DeltaEncoder enc : encoders) {
        if (enc.engine() == DeltaEngine.BSDIFF && oldSharesNothing(found, whole)) {
          continue;
        }
        found.tryEncoder(enc, oldBlob, newBlob, whole);
      }
      return found.result(whole, start);
    }
  }

  /** The deltas made for one pair so far, and the smallest. */
  private final class Candidates {
    private final FilePair pair;
    final Map<DeltaEngine, Integer> sizes = new EnumMap<>(DeltaEngine.class);
    /** Engines whose delta grew past what could be kept: not in {@link #sizes}. */
    final Set<DeltaEngine> tooLarge = EnumSet.noneOf(DeltaEngine.class);
    byte[] best;
    DeltaEngine bestEngine;

    Candidates(FilePair pair) {
      this.pair = pair;
    }

    /**
     * Runs {@code enc} within the budget's memory, keeping its delta if it reproduces the new
     * blob and is the smallest yet. A delta that grows past what could be kept against
     * {@code whole} (or past the budget's heap) is abandoned as soon as it does: a large blob
     * that shares little would otherwise fill the heap.
     */
    void tryEncoder(DeltaEncoder enc, BlobSource oldBlob, BlobSource newBlob, long whole) throws IOException {
      if (enc.encodeMemory(oldBlob.size(), newBlob.size()) > budget.memoryBytes()) {
        return;
      }
      long limit = Math.min(budget.maxDeltaBytes(), (long) (budget.keepRatio() * whole) + DeltaHeader.LENGTH);
      byte[] d;
      try {
        d = Deltas.create(enc, pair.oldBlob().id(), oldBlob, pair.newBlob(), newBlob, limit);
      } catch (DeltaTooLargeException e) {
        tooLarge.add(enc.engine());
        return;
      }
      if (!reproduces(d, pair.oldBlob().id(), pair, oldBlob)) {
        return;
      }
      sizes.put(enc.engine(), d.length);
      if (best == null || d.length < best.length) {
        best = d;
        bestEngine = enc.engine();
      }
    }

    /** The smallest delta if it is worth keeping against {@code whole}. */
    FileDelta result(long whole, long start) {
      boolean keep = best != null && best.length <= budget.keepRatio() * whole;
      return new FileDelta(pair, sizes, tooLarge, whole, keep ? best : null, keep ? bestEngine : null,
          System.nanoTime() - start);
    }
  }

  /** True if zstd would see this pair through windows ({@link ZstdDelta}: over 32 MiB on either side). */
  private static boolean zstdInWindows(long oldSize, long newSize) {
    return oldSize > ZstdDelta.SINGLE_LIMIT || newSize > ZstdDelta.SINGLE_LIMIT;
  }

  /**
   * True if the block engine found next to nothing of the new blob in the old one: its delta
   * grew past what could be kept, or is no smaller than {@link #NOTHING_SHARED} of the blob.
   * zstd then does not run on a pair it would see through windows: it finds matches only near
   * the same place in both blobs, where the block engine found none at any place, and its look
   * alone cost 25 s a GiB (a 1 GiB file made anew: 27.6 s to keep no delta, now ~3 s). A file
   * rewritten in every 4 KiB but in place would be the loss, and it goes whole.
   */
  private static boolean blocksFoundNothing(Candidates found, long quickWhole) {
    Integer blocks = found.sizes.get(DeltaEngine.BLOCKS);
    return found.tooLarge.contains(DeltaEngine.BLOCKS) || blocks != null && blocks >= NOTHING_SHARED * quickWhole;
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
  private static boolean oldSharesNothing(Candidates found, long whole) {
    Integer zstd = found.sizes.get(DeltaEngine.ZSTD);
    return found.tooLarge.contains(DeltaEngine.ZSTD) || zstd != null && zstd >= NOTHING_SHARED * whole;
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
    int chunkSize = 16 << 20;
    if (blob.size() <= chunkSize) {
      try (ZstdCompressCtx ctx = new ZstdCompressCtx()) {
        ctx.setLevel(level);
        return ctx.compress(blob.readAll(chunkSize)).length;
      }
    }
    // In chunks through two buffers: a blob read whole, with its compressed copy, was two more
    // blob-sized arrays on the heap.
    long total = 0;
    byte[] chunk = new byte[chunkSize];
    byte[] frame = new byte[(int) Zstd.compressBound(chunk.length)];
    try (ZstdCompressCtx ctx = new ZstdCompressCtx()) {
      ctx.setLevel(level);
      for (long pos = 0; pos < blob.size(); pos += chunk.length) {
        int n = (int) Math.min(chunk.length, blob.size() - pos);
        blob.readFully(pos, chunk, 0, n);
        total += ctx.compressByteArray(frame, 0, frame.length, chunk, 0, n);
      }
    }
    return total;
  }
}
