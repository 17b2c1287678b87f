package org.casfs.sync.delta;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDictContentType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The zstd engine: the old blob is loaded as a raw-content dictionary (zstd-jni has no
 * {@code refPrefix}, luben/zstd-jni#314), with long-distance matching and the window, hash and
 * chain logs set explicitly to cover dictionary plus input; without that, a large dictionary is
 * mostly ignored (facebook/zstd#2835).
 *
 * <p><b>Memory: windows.</b> Blobs up to {@link #SINGLE_LIMIT} on both sides are one segment
 * against the whole old blob. Larger new blobs are cut into segments of {@link #SEGMENT} bytes,
 * each compressed against the window of the old blob around the same relative position,
 * {@link #SLACK} bytes on each side. A segment never holds more than {@link #MAX_WINDOW} old
 * bytes and {@link #SEGMENT} new bytes, so encoding and applying a 512 MiB file (or any size) use
 * the same bounded memory as a 32 MiB one; the price is missing matches that moved further than
 * the slack.
 *
 * <p>Body: a sequence of segments, each {@code varint oldOffset, varint oldLength, varint
 * newLength, varint frameLength, frame} (a magicless zstd frame without checksum: the whole
 * blob's SHA-1 and SHA-256 are checked after applying), until the new lengths add up to the new
 * size. Thread-safe and stateless.
 */
final class ZstdDelta implements DeltaEncoder, DeltaApplier {
  static final int SINGLE_LIMIT = 32 << 20;
  static final int SEGMENT = 16 << 20;
  static final int SLACK = 16 << 20;
  static final int MAX_WINDOW = SEGMENT + 2 * SLACK;
  /** The largest window log a body may ask for: 2^27 = 128 MiB covers window plus segment. */
  static final int MAX_WINDOW_LOG = 27;

  private final int level;
  private final int singleLimit;
  private final int segment;
  private final int slack;

  ZstdDelta(int level) {
    this(level, SINGLE_LIMIT, SEGMENT, SLACK);
  }

  /** Smaller segments than the defaults, so tests can exercise windowing on small blobs. */
  ZstdDelta(int level, int singleLimit, int segment, int slack) {
    if (singleLimit > SINGLE_LIMIT || segment > SEGMENT || slack > SLACK || segment <= 0 || slack < 0) {
      throw new IllegalArgumentException("segment sizes must be within the decoder's limits");
    }
    this.level = level;
    this.singleLimit = singleLimit;
    this.segment = segment;
    this.slack = slack;
  }

  int level() {
    return level;
  }

  @Override
  public DeltaEngine engine() {
    return DeltaEngine.ZSTD;
  }

  @Override
  public boolean accepts(long oldSize, long newSize) {
    return true;
  }

  @Override
  public long applyMemory(long oldSize, long newSize) {
    long window = Math.min(oldSize, Math.max(SINGLE_LIMIT, MAX_WINDOW));
    long segment = Math.min(newSize, SINGLE_LIMIT);
    // heap window + native dictionary copy + the segment's frame and output
    return 2 * window + 2 * segment + (4 << 20);
  }

  @Override
  public long encodeMemory(long oldSize, long newSize) {
    long window = Math.min(oldSize, Math.max(SINGLE_LIMIT, MAX_WINDOW));
    long segment = Math.min(newSize, SINGLE_LIMIT);
    int log = windowLog(window + segment);
    // heap window + native dictionary copy + input + output + hash and chain tables (4 bytes each)
    return 2 * window + 2 * segment + 4L * ((1L << hashLog(log)) + (1L << chainLog(log))) + (8 << 20);
  }

  @Override
  public void encode(BlobSource oldBlob, BlobSource newBlob, OutputStream out) throws IOException {
    long oldSize = oldBlob.size();
    long newSize = newBlob.size();
    boolean single = oldSize <= singleLimit && newSize <= singleLimit;
    long pos = 0;
    do {
      int newLen = (int) (single ? newSize : Math.min(segment, newSize - pos));
      long oldStart;
      long oldEnd;
      if (single) {
        oldStart = 0;
        oldEnd = oldSize;
      } else {
        long center = newSize == 0 ? 0 : (long) ((double) pos / newSize * oldSize);
        oldStart = Math.max(0, center - slack);
        oldEnd = Math.min(oldSize, center + newLen + slack);
        oldStart = Math.max(0, Math.min(oldStart, oldEnd - (segment + 2L * slack)));
      }
      byte[] window = oldBlob.read(oldStart, (int) (oldEnd - oldStart));
      byte[] input = newBlob.read(pos, newLen);
      byte[] frame = compress(window, input);
      Varint.write(out, oldStart);
      Varint.write(out, window.length);
      Varint.write(out, newLen);
      Varint.write(out, frame.length);
      out.write(frame);
      pos += newLen;
    } while (pos < newSize);
  }

  private byte[] compress(byte[] dict, byte[] input) {
    int log = windowLog((long) dict.length + input.length);
    try (ZstdCompressCtx ctx = MagiclessFrames.encoder(level)) {
      ctx.setLong(log);
      ctx.setWindowLog(log);
      ctx.setHashLog(hashLog(log));
      ctx.setChainLog(chainLog(log));
      if (dict.length > 0) {
        ctx.loadDict(dict, ZstdDictContentType.RAW_CONTENT);
      }
      return ctx.compress(input);
    }
  }

  /** Enough window to reach from the end of the input back to the start of the dictionary. */
  static int windowLog(long span) {
    int log = 64 - Long.numberOfLeadingZeros(Math.max(1, span - 1));
    return Math.max(10, Math.min(MAX_WINDOW_LOG, log));
  }

  // Tables sized to the data rather than to the level's defaults, which assume no dictionary;
  // capped so that a 64 MiB span costs at most 2 x 64 MiB of tables.
  private static int hashLog(int windowLog) {
    return Math.max(12, Math.min(24, windowLog - 1));
  }

  private static int chainLog(int windowLog) {
    return Math.max(12, Math.min(24, windowLog));
  }

  @Override
  public void apply(BlobSource oldBlob, InputStream body, long newSize, OutputStream out) throws IOException {
    long oldSize = oldBlob.size();
    long written = 0;
    do {
      long oldStart = Varint.read(body, oldSize, "segment old offset");
      int oldLen = (int) Varint.read(body, Math.min(oldSize - oldStart, Math.max(SINGLE_LIMIT, MAX_WINDOW)),
          "segment old length");
      int newLen = (int) Varint.read(body, Math.min(newSize - written, Math.max(SINGLE_LIMIT, SEGMENT)),
          "segment new length");
      if (newLen == 0 && newSize != 0) {
        throw new DeltaFormatException("empty segment in a delta for a non-empty blob");
      }
      int frameLen = (int) Varint.read(body, Zstd.compressBound(newLen) + 64, "segment frame length");
      byte[] frame = body.readNBytes(frameLen);
      if (frame.length != frameLen) {
        throw new DeltaFormatException("delta ends inside a segment frame");
      }
      MagiclessFrames.requireYield(frame, newLen, "zstd segment"); // before the window is read
      byte[] window = oldBlob.read(oldStart, oldLen);
      out.write(decompress(window, frame, newLen));
      written += newLen;
    } while (written < newSize);
    if (body.read() >= 0) {
      throw new DeltaFormatException("bytes after the last segment");
    }
  }

  private static byte[] decompress(byte[] dict, byte[] frame, int newLen) throws DeltaFormatException {
    return MagiclessFrames.decode(dict, frame, newLen, "zstd segment");
  }
}
