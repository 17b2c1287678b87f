package org.casfs.sync.delta;

import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdDictContentType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.casfs.cas.OneByteRead;

/**
 * Makes and decodes the magicless zstd frames inside delta bodies ({@link ZstdDelta} segments, the three
 * {@link BsdiffDelta} streams), on decompression contexts kept for reuse. Making a context
 * allocates its native state and registers a cleaner, and an update makes many: the Debian v1 ->
 * v2 update applies 415 tree deltas and 639 blob deltas, one context each (three for bsdiff). A
 * context is reset when it is given back (its dictionary, which can be a whole old blob, freed
 * then); at most {@link #KEPT} wait.
 *
 * <p>A delta is untrusted: the lengths it declares never size a buffer by themselves. A frame is
 * decoded whole only into as many bytes as its block headers say it can yield ({@link #yieldBound});
 * a stream too large to hold ({@link #stream}) is decoded as it is read, into the reader's buffer.
 * Thread-safe.
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
    requireYield(frame, rawLen, what);
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

  /** The largest block a zstd frame holds, and so the most one compressed block yields. */
  private static final int MAX_BLOCK = 128 << 10;

  /** Refuses {@code frame} if its block headers cannot yield {@code rawLen} bytes ({@link #yieldBound}). */
  static void requireYield(byte[] frame, long rawLen, String what) throws DeltaFormatException {
    long bound = yieldBound(frame);
    if (bound < rawLen) {
      // A hundred-byte delta declared 503 MB, which was allocated before the frame was read.
      throw new DeltaFormatException(what + " of " + frame.length + " bytes can yield at most " + bound
          + " bytes, not the " + rawLen + " declared");
    }
  }

  /**
   * The most bytes {@code frames} (magicless frames, one after another, as {@link #decode} takes
   * them) can decode to, from their block headers alone: a raw or RLE block yields the size it
   * states, a compressed block at most {@link #MAX_BLOCK} (no block yields more). Malformed input gives the bound of what
   * parses; zstd then refuses it.
   */
  static long yieldBound(byte[] frames) {
    long bound = 0;
    int p = 0;
    while (p < frames.length) {
      int fhd = frames[p++] & 0xff;
      int fcsFlag = fhd >>> 6;
      boolean singleSegment = (fhd & 0x20) != 0;
      boolean checksum = (fhd & 0x04) != 0;
      int dictIdBytes = new int[] {0, 1, 2, 4}[fhd & 0x03];
      int fcsBytes = new int[] {singleSegment ? 1 : 0, 2, 4, 8}[fcsFlag];
      p += (singleSegment ? 0 : 1) + dictIdBytes + fcsBytes;
      boolean last = false;
      while (!last) {
        if (p + 3 > frames.length) {
          return bound;
        }
        int header = (frames[p] & 0xff) | (frames[p + 1] & 0xff) << 8 | (frames[p + 2] & 0xff) << 16;
        p += 3;
        last = (header & 1) != 0;
        int type = header >>> 1 & 3;
        int size = header >>> 3;
        int yields = Math.min(size, MAX_BLOCK); // a larger block is not valid zstd
        switch (type) {
          case 0 -> { // raw
            bound += yields;
            p += size;
          }
          case 1 -> { // RLE: one byte, repeated
            bound += yields;
            p += 1;
          }
          case 2 -> { // compressed
            bound += MAX_BLOCK;
            p += size;
          }
          default -> {
            return bound; // reserved: not a frame
          }
        }
        if (p > frames.length) {
          return bound;
        }
      }
      p += checksum ? 4 : 0;
    }
    return bound;
  }

  /**
   * The {@code rawLen} bytes of {@code frame} (no dictionary), decoded as they are read, so that
   * what the frame yields costs the reader's buffer and not its declared length. Windows are
   * limited to {@code 2^windowLogMax} bytes: a streaming decoder holds a window's worth natively.
   * Reading past {@code rawLen} gives -1; {@link Stream#finish} then checks that the frame ends
   * there. Close it (its context is not kept: a window can be megabytes).
   */
  static Stream stream(byte[] frame, long rawLen, int windowLogMax, String what) {
    return new Stream(frame, rawLen, windowLogMax, what);
  }

  /** See {@link #stream}. One reader; not thread-safe. */
  static final class Stream extends InputStream {
    private final ZstdDecompressCtx ctx = new ZstdDecompressCtx();
    private final ByteBuffer src;
    private final long rawLen;
    private final String what;
    private final boolean empty;
    private long produced;
    /** The last call ended a frame: all it held was handed out. */
    private boolean flushed;

    private Stream(byte[] frame, long rawLen, int windowLogMax, String what) {
      this.src = ByteBuffer.wrap(frame);
      this.rawLen = rawLen;
      this.what = what;
      this.empty = frame.length == 0; // as decode: no frame decodes to nothing
      ctx.setMagicless(true);
      ctx.setLongMax(windowLogMax);
    }

    @Override
    public int read() throws IOException {
      return OneByteRead.through(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (produced == rawLen) {
        return -1;
      }
      int want = (int) Math.min(len, rawLen - produced);
      while (true) {
        if (empty || flushed && !src.hasRemaining()) {
          throw new DeltaFormatException(what + " decodes to " + produced + " bytes, expected " + rawLen);
        }
        int before = src.position();
        ByteBuffer dst = ByteBuffer.wrap(b, off, want);
        step(dst);
        int got = dst.position() - off;
        if (got > 0) {
          produced += got;
          return got;
        }
        if (!flushed && (!src.hasRemaining() || src.position() == before)) {
          throw new DeltaFormatException(what + " does not decode: it ends after " + produced + " of " + rawLen
              + " bytes");
        }
      }
    }

    /** Checks that all {@code rawLen} bytes were read and that the frame ends there. */
    void finish() throws IOException {
      if (produced != rawLen) {
        throw new DeltaFormatException(what + " was read to " + produced + " of " + rawLen + " bytes");
      }
      byte[] probe = new byte[1];
      while (!empty && !(flushed && !src.hasRemaining())) {
        int before = src.position();
        ByteBuffer dst = ByteBuffer.wrap(probe);
        step(dst);
        if (dst.position() > 0) {
          throw new DeltaFormatException(what + " decodes to more than " + rawLen + " bytes");
        }
        if (!flushed && (!src.hasRemaining() || src.position() == before)) {
          throw new DeltaFormatException(what + " does not decode: it ends inside a block");
        }
      }
    }

    private void step(ByteBuffer dst) throws DeltaFormatException {
      try {
        flushed = ctx.decompressByteBufferStream(dst, src);
      } catch (RuntimeException e) {
        throw new DeltaFormatException(what + " does not decode: " + e.getMessage(), e);
      }
    }

    @Override
    public void close() {
      ctx.close();
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
