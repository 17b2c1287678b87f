package org.casfs.sync.delta;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdInputStream;
import io.sigpipe.jbsdiff.DefaultDiffSettings;
import io.sigpipe.jbsdiff.Diff;
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
    // old, diff and extra streams, the new blob's buffer and the control stream
    return oldSize + 3 * newSize + (4 << 20);
  }

  @Override
  public void apply(BlobSource oldBlob, InputStream body, long newSize, OutputStream out) throws IOException {
    if (oldBlob.size() > LIMIT || newSize > LIMIT) {
      throw new DeltaFormatException("bsdiff delta for a blob over " + LIMIT + " bytes");
    }
    int ctrlLen = (int) Varint.read(body, 3L * 10 * (newSize + 1), "bsdiff control length");
    int diffLen = (int) Varint.read(body, newSize, "bsdiff diff length");
    int extraLen = (int) Varint.read(body, newSize, "bsdiff extra length");
    if (diffLen + extraLen != newSize) {
      throw new DeltaFormatException("bsdiff streams of " + diffLen + " + " + extraLen + " bytes for a "
          + newSize + "-byte blob");
    }
    byte[] ctrl = unzstdExactly(body, ctrlLen, "control");
    byte[] diff = unzstdExactly(body, diffLen, "diff");
    byte[] extra = unzstdExactly(body, extraLen, "extra");
    if (body.read() >= 0) {
      throw new DeltaFormatException("bytes after the bsdiff streams");
    }
    byte[] old = oldBlob.readAll(LIMIT);
    byte[] result = new byte[(int) newSize];
    InputStream control = new ByteArrayInputStream(ctrl);
    int newPos = 0;
    int diffPos = 0;
    int extraPos = 0;
    long oldPos = 0;
    while (newPos < newSize) {
      int x = (int) Varint.read(control, newSize - newPos, "bsdiff diff run");
      if (x > diffLen - diffPos) {
        throw new DeltaFormatException("bsdiff diff run past the diff stream");
      }
      addOld(old, oldPos, diff, diffPos, result, newPos, x);
      newPos += x;
      diffPos += x;
      int y = (int) Varint.read(control, newSize - newPos, "bsdiff extra run");
      if (y > extraLen - extraPos) {
        throw new DeltaFormatException("bsdiff extra run past the extra stream");
      }
      System.arraycopy(extra, extraPos, result, newPos, y);
      newPos += y;
      extraPos += y;
      long z = Varint.read(control, Long.MAX_VALUE, "bsdiff seek");
      long seek = z >>> 1 ^ -(z & 1);
      oldPos += x + seek;
      if (oldPos < -newSize - old.length || oldPos > newSize + old.length) {
        throw new DeltaFormatException("bsdiff seek far outside the old blob");
      }
    }
    if (control.available() != 0 || diffPos != diffLen || extraPos != extraLen) {
      throw new DeltaFormatException("bsdiff streams have bytes left over");
    }
    out.write(result);
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

  private static byte[] unzstdExactly(InputStream body, int rawLen, String what) throws IOException {
    int frameLen = (int) Varint.read(body, Zstd.compressBound(rawLen) + 64, "bsdiff " + what + " frame length");
    byte[] frame = body.readNBytes(frameLen);
    if (frame.length != frameLen) {
      throw new DeltaFormatException("delta ends inside the bsdiff " + what + " frame");
    }
    return MagiclessFrames.decode(new byte[0], frame, rawLen, "bsdiff " + what + " stream");
  }
}
