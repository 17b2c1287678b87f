package org.casfs.sync.delta;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdInputStream;
import io.sigpipe.jbsdiff.DefaultDiffSettings;
import io.sigpipe.jbsdiff.Diff;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The bsdiff engine. jbsdiff finds the matches (suffix sort of the old blob: memory about 25x the
 * blob, so only blobs up to {@link #LIMIT} are accepted and larger ones use the other engines); its
 * three streams are then re-encoded in casfs's own body, compressed with zstd at a high level
 * instead of bzip2, and applied by casfs's own loop, which checks every control triple against the
 * sizes (hostile input) and streams the new blob out in order.
 *
 * <p>Body: {@code varint ctrlLength, varint diffLength, varint extraLength}, then three zstd
 * frames, each {@code varint frameLength, frame}: control (triples of varints: diff length, extra
 * length, zigzag seek), diff bytes (added to old bytes), extra bytes (copied). Thread-safe.
 */
final class BsdiffDelta implements DeltaEncoder, DeltaApplier {
  /** Largest old or new blob the encoder takes: 16 MiB needs about 400 MiB while diffing. */
  static final int LIMIT = 16 << 20;
  private static final int LEVEL = 19;
  /** Compared against to find where a diff stream is zero ({@link #addOld}). */
  private static final byte[] ZEROS = new byte[4096];
  /** Bytes {@link #addOld} adds one by one before it looks for zeros again. */
  private static final int ADDED_RUN = 32;

  private final int limit;

  BsdiffDelta(int limit) {
    this.limit = Math.min(limit, LIMIT);
  }

  @Override
  public DeltaEngine engine() {
    return DeltaEngine.BSDIFF;
  }

  @Override
  public boolean accepts(long oldSize, long newSize) {
    return oldSize <= limit && newSize <= limit;
  }

  @Override
  public long encodeMemory(long oldSize, long newSize) {
    // jbsdiff: old, new, two int arrays over old for the suffix sort, the diff and extra buffers.
    return 17 * oldSize + 8 * newSize + (8 << 20);
  }

  @Override
  public void encode(BlobSource oldBlob, BlobSource newBlob, OutputStream out) throws IOException {
    if (!accepts(oldBlob.size(), newBlob.size())) {
      throw new IllegalArgumentException("bsdiff takes blobs up to " + limit + " bytes");
    }
    byte[] oldBytes = oldBlob.readAll(limit);
    byte[] newBytes = newBlob.readAll(limit);
    ByteArrayOutputStream patch = new ByteArrayOutputStream();
    try {
      Diff.diff(oldBytes, newBytes, patch, new DefaultDiffSettings("zstd"));
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("jbsdiff failed: " + e, e);
    }
    reencode(patch.toByteArray(), newBytes.length, out);
  }

  /** Turns jbsdiff's BSDIFF40 patch (ours, so trusted) into this engine's body. */
  private static void reencode(byte[] patch, int newSize, OutputStream out) throws IOException {
    DataInputStream header = new DataInputStream(new ByteArrayInputStream(patch, 0, 32));
    byte[] magic = new byte[8];
    header.readFully(magic);
    if (!"BSDIFF40".equals(new String(magic, StandardCharsets.US_ASCII))) {
      throw new IOException("jbsdiff wrote an unexpected header");
    }
    int ctrlLen = (int) offtin(patch, 8);
    int diffLen = (int) offtin(patch, 16);
    byte[] ctrlRaw = unzstd(patch, 32, ctrlLen);
    byte[] diffRaw = unzstd(patch, 32 + ctrlLen, diffLen);
    byte[] extraRaw = unzstd(patch, 32 + ctrlLen + diffLen, patch.length - 32 - ctrlLen - diffLen);

    // jbsdiff writes its whole diff and extra buffers (new size + 1 bytes each); only the prefixes
    // the control triples consume are data.
    ByteArrayOutputStream ctrl = new ByteArrayOutputStream();
    long diffUsed = 0;
    long extraUsed = 0;
    for (int p = 0; p + 24 <= ctrlRaw.length; p += 24) {
      long x = offtin(ctrlRaw, p);
      long y = offtin(ctrlRaw, p + 8);
      long seek = offtin(ctrlRaw, p + 16);
      Varint.write(ctrl, x);
      Varint.write(ctrl, y);
      Varint.write(ctrl, seek << 1 ^ seek >> 63);
      diffUsed += x;
      extraUsed += y;
    }
    byte[] ctrlBytes = ctrl.toByteArray();
    if (diffUsed + extraUsed != newSize || diffUsed > diffRaw.length || extraUsed > extraRaw.length) {
      throw new IOException("jbsdiff streams do not add up to the new size");
    }
    diffRaw = Arrays.copyOf(diffRaw, (int) diffUsed);
    extraRaw = Arrays.copyOf(extraRaw, (int) extraUsed);
    Varint.write(out, ctrlBytes.length);
    Varint.write(out, diffRaw.length);
    Varint.write(out, extraRaw.length);
    for (byte[] stream : new byte[][] {ctrlBytes, diffRaw, extraRaw}) {
      byte[] frame = zstd(stream);
      Varint.write(out, frame.length);
      out.write(frame);
    }
  }

  /** bsdiff's 8-byte sign-magnitude little-endian number. */
  private static long offtin(byte[] b, int off) {
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = v << 8 | (b[off + i] & (i == 7 ? 0x7f : 0xff));
    }
    return (b[off + 7] & 0x80) != 0 ? -v : v;
  }

  private static byte[] unzstd(byte[] b, int off, int len) throws IOException {
    try (InputStream in = new ZstdInputStream(new ByteArrayInputStream(b, off, len))) {
      return in.readAllBytes();
    }
  }

  private static byte[] zstd(byte[] raw) {
    try (ZstdCompressCtx ctx = MagiclessFrames.encoder(LEVEL)) {
      return ctx.compress(raw);
    }
  }

  @Override
  public long applyMemory(long oldSize, long newSize) {
    // the old blob, the three frames, a chunk, and the three streams' zstd windows (native)
    return oldSize + maxFrameBytes(newSize) + CHUNK + 3L * (1 << STREAM_WINDOW_LOG) + (4 << 20);
  }

  /** The new blob is made and written in chunks of this size. */
  private static final int CHUNK = 64 << 10;
  /**
   * The largest window a stream's frame may ask for: streams of a blob up to {@link #LIMIT} need no
   * more (zstd fits its window to the input), and a streaming decoder holds a window natively.
   */
  static final int STREAM_WINDOW_LOG = 24;

  /**
   * Applies a body. Nothing is sized by the lengths it declares: the three frames are read as
   * they arrive (together at most {@link #maxFrameBytes}: a delta is only kept when smaller than
   * the compressed blob, {@link DeltaPlanner}), and each stream is decoded as the control
   * triples consume it, straight into a chunk of the new blob that is written out in order. A
   * hundred-byte delta once declared a 503 MB control stream and had it allocated.
   */
  @Override
  public void apply(BlobSource oldBlob, InputStream body, long newSize, OutputStream out) throws IOException {
    if (oldBlob.size() > LIMIT || newSize > LIMIT) {
      throw new DeltaFormatException("bsdiff delta for a blob over " + LIMIT + " bytes");
    }
    long ctrlLen = Varint.read(body, 3L * 10 * (newSize + 1), "bsdiff control length");
    long diffLen = Varint.read(body, newSize, "bsdiff diff length");
    long extraLen = Varint.read(body, newSize, "bsdiff extra length");
    if (diffLen + extraLen != newSize) {
      throw new DeltaFormatException("bsdiff streams of " + diffLen + " + " + extraLen + " bytes for a "
          + newSize + "-byte blob");
    }
    long[] frameBudget = {maxFrameBytes(newSize)};
    byte[] ctrlFrame = frame(body, frameBudget, "control");
    byte[] diffFrame = frame(body, frameBudget, "diff");
    byte[] extraFrame = frame(body, frameBudget, "extra");
    if (body.read() >= 0) {
      throw new DeltaFormatException("bytes after the bsdiff streams");
    }
    byte[] old = oldBlob.readAll(LIMIT);
    byte[] chunk = new byte[(int) Math.min(CHUNK, Math.max(1, newSize))];
    try (MagiclessFrames.Stream ctrlStream = MagiclessFrames.stream(ctrlFrame, ctrlLen, STREAM_WINDOW_LOG,
        "bsdiff control stream");
        MagiclessFrames.Stream diff = MagiclessFrames.stream(diffFrame, diffLen, STREAM_WINDOW_LOG,
            "bsdiff diff stream");
        MagiclessFrames.Stream extra = MagiclessFrames.stream(extraFrame, extraLen, STREAM_WINDOW_LOG,
            "bsdiff extra stream")) {
      InputStream control = new BufferedInputStream(ctrlStream, 8192);
      long newPos = 0;
      long diffPos = 0;
      long extraPos = 0;
      long oldPos = 0;
      while (newPos < newSize) {
        long x = Varint.read(control, newSize - newPos, "bsdiff diff run");
        if (x > diffLen - diffPos) {
          throw new DeltaFormatException("bsdiff diff run past the diff stream");
        }
        for (long done = 0; done < x; ) {
          int n = (int) Math.min(chunk.length, x - done);
          readFully(diff, chunk, n, "diff");
          addOld(old, oldPos + done, chunk, 0, chunk, 0, n);
          out.write(chunk, 0, n);
          done += n;
        }
        newPos += x;
        diffPos += x;
        long y = Varint.read(control, newSize - newPos, "bsdiff extra run");
        if (y > extraLen - extraPos) {
          throw new DeltaFormatException("bsdiff extra run past the extra stream");
        }
        for (long done = 0; done < y; ) {
          int n = (int) Math.min(chunk.length, y - done);
          readFully(extra, chunk, n, "extra");
          out.write(chunk, 0, n);
          done += n;
        }
        newPos += y;
        extraPos += y;
        long z = Varint.read(control, Long.MAX_VALUE, "bsdiff seek");
        long seek = z >>> 1 ^ -(z & 1);
        oldPos += x + seek;
        if (oldPos < -newSize - old.length || oldPos > newSize + old.length) {
          throw new DeltaFormatException("bsdiff seek far outside the old blob");
        }
      }
      if (control.read() >= 0 || diffPos != diffLen || extraPos != extraLen) {
        throw new DeltaFormatException("bsdiff streams have bytes left over");
      }
      ctrlStream.finish();
      diff.finish();
      extra.finish();
    }
  }

  private static void readFully(InputStream stream, byte[] b, int n, String what) throws IOException {
    if (stream.readNBytes(b, 0, n) != n) {
      throw new DeltaFormatException("the bsdiff " + what + " stream ends early");
    }
  }

  /**
   * The three frames of a {@code newSize}-byte blob's delta together: the compress bound of the
   * blob, which bounds any delta worth keeping, with an eighth to spare for the control stream.
   */
  static long maxFrameBytes(long newSize) {
    return Zstd.compressBound(newSize) + newSize / 8 + 4096;
  }

  /** A stream's frame, its length taken from what is left of the frames' {@code budget}. */
  private static byte[] frame(InputStream body, long[] budget, String what) throws IOException {
    int frameLen = (int) Varint.read(body, budget[0], "bsdiff " + what + " frame length");
    budget[0] -= frameLen;
    byte[] frame = body.readNBytes(frameLen);
    if (frame.length != frameLen) {
      throw new DeltaFormatException("delta ends inside the bsdiff " + what + " frame");
    }
    return frame;
  }

  /**
   * {@code result[newPos + i] = diff[diffPos + i] + old[oldPos + i]} for {@code i < x}, where old
   * bytes outside the old blob count as 0. Most of a diff stream is zero (the bytes bsdiff matched
   * unchanged): those runs are found with {@link Arrays#mismatch} and copied from the old blob
   * with {@link System#arraycopy}, JDK code that is compiled to vector instructions early in any
   * JVM; only the bytes between are added in a loop. A daemon's first update runs this loop
   * before the JIT has compiled it: adding every byte one by one took 60 ms of the writers' CPU
   * in the Debian v1 -> v2 update, mostly for perl (3.8 MB) and libapt-pkg (2 MB).
   */
  static void addOld(byte[] old, long oldPos, byte[] diff, int diffPos, byte[] result, int newPos, int x) {
    // (diff and result may be the same bytes at the same place: the apply adds in place)
    int from = (int) Math.min(x, Math.max(0, -oldPos));
    int to = (int) Math.max(from, Math.min(x, old.length - oldPos));
    System.arraycopy(diff, diffPos, result, newPos, from);
    int i = from;
    while (i < to) {
      int span = Math.min(ZEROS.length, to - i);
      int zeros = Arrays.mismatch(diff, diffPos + i, diffPos + i + span, ZEROS, 0, span);
      zeros = zeros < 0 ? span : zeros;
      System.arraycopy(old, (int) (oldPos + i), result, newPos + i, zeros);
      i += zeros;
      int end = Math.min(to, i + ADDED_RUN);
      for (int o = (int) (oldPos + i); i < end; i++) {
        result[newPos + i] = (byte) (diff[diffPos + i] + old[o++]);
      }
    }
    System.arraycopy(diff, diffPos + to, result, newPos + to, x - to);
  }
}
