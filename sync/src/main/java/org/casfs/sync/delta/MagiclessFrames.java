package org.casfs.sync.delta;

import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdDictContentType;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes and decodes the magicless zstd frames inside delta bodies ({@link ZstdDelta} segments, the three
 * {@link BsdiffDelta} streams), on decompression contexts kept for reuse. Making a context
 * allocates its native state and registers a cleaner, and an update makes many: the Debian v1 ->
 * v2 update applies 415 tree deltas and 639 blob deltas, one context each (three for bsdiff). A
 * context is reset when it is given back (its dictionary, which can be a whole old blob, freed
 * then); at most {@link #KEPT} wait. Thread-safe.
 */
final class MagiclessFrames {
  /** Contexts kept: one per thread that applies deltas at once (the pull's writers and reader). */
  static final int KEPT = 4;

  private static final ConcurrentLinkedQueue<ZstdDecompressCtx> IDLE = new ConcurrentLinkedQueue<>();
  private static final AtomicInteger idleCount = new AtomicInteger();

  private MagiclessFrames() {}

  /**
   * Exactly {@code rawLen} bytes decoded from {@code frame}, with {@code dict} (empty for none) as
   * a raw-content dictionary and windows up to {@link ZstdDelta#MAX_WINDOW_LOG}.
   *
   * @param what names the frame in the error
   * @throws DeltaFormatException if the frame does not decode to exactly {@code rawLen} bytes
   */
  static byte[] decode(byte[] dict, byte[] frame, int rawLen, String what) throws DeltaFormatException {
    byte[] raw = new byte[rawLen];
    ZstdDecompressCtx ctx = take();
    boolean reusable = false;
    try {
      ctx.setMagicless(true);
      ctx.setLongMax(ZstdDelta.MAX_WINDOW_LOG);
      if (dict.length > 0) {
        ctx.loadDict(dict, ZstdDictContentType.RAW_CONTENT);
      }
      int n = ctx.decompressByteArray(raw, 0, rawLen, frame, 0, frame.length);
      reusable = true;
      if (n != rawLen) {
        throw new DeltaFormatException(what + " decodes to " + n + " bytes, expected " + rawLen);
      }
      return raw;
    } catch (RuntimeException e) {
      // zstd-jni reports bad frames as ZstdException (a RuntimeException): malformed input.
      throw new DeltaFormatException(what + " does not decode: " + e.getMessage(), e);
    } finally {
      giveBack(ctx, reusable);
    }
  }

  /**
   * A compression context that writes the frames {@link #decode} reads: magicless, without
   * checksum, content size or dictionary id (the delta's header carries the size, and the whole
   * blob's SHA-1 and SHA-256 are checked after applying). Close it when done.
   */
  static ZstdCompressCtx encoder(int level) {
    ZstdCompressCtx ctx = new ZstdCompressCtx();
    ctx.setLevel(level);
    ctx.setMagicless(true);
    ctx.setChecksum(false);
    ctx.setContentSize(false);
    ctx.setDictID(false);
    return ctx;
  }

  private static ZstdDecompressCtx take() {
    ZstdDecompressCtx ctx = IDLE.poll();
    if (ctx == null) {
      return new ZstdDecompressCtx();
    }
    idleCount.decrementAndGet();
    return ctx;
  }

  /** A context that failed is closed, not kept: its state after an error is zstd's business. */
  private static void giveBack(ZstdDecompressCtx ctx, boolean reusable) {
    if (reusable && idleCount.incrementAndGet() <= KEPT) {
      ctx.reset(); // parameters and dictionary
      IDLE.offer(ctx);
      return;
    }
    if (reusable) {
      idleCount.decrementAndGet();
    }
    ctx.close();
  }

  /** Contexts waiting now (tests). */
  static int idle() {
    return idleCount.get();
  }
}
