package org.casfs.sync.delta;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * The block engine, for large blobs: what of the new blob repeats whole blocks of the old one, at
 * any byte offset, is copied from the old blob; the rest goes as zstd-compressed literals. The
 * rsync algorithm with the old blob at hand: its blocks are indexed by a rolling hash
 * ({@link BlockIndex}), the new blob is scanned byte by byte, and every match is confirmed by
 * comparing bytes and then grown backwards and forwards to where the blobs differ, so a change
 * costs about its own size. Memory does not grow with the new blob and grows with the old one
 * only through the index (at most 24 MiB); the blobs are read, not loaded. It is what keeps a
 * 4 KiB change to a multi-GiB file (an offline encyclopedia, a disk image, a database) a 4 KiB
 * delta: the zstd engine's windows missed most of such a file's matches.
 *
 * <p>Body: operations until the new size is reached, each {@code varint literalLength}, when
 * not zero {@code varint frameLength, frame} (a magicless zstd frame of at most
 * {@link #MAX_LITERAL} bytes), then {@code varint copyLength}, when not zero {@code varint
 * oldOffset}. Every operation produces at least one byte. Thread-safe and stateless.
 */
final class BlockDelta implements DeltaEncoder, DeltaApplier {
  /** Literal bytes in one operation at most; longer runs take several. */
  static final int MAX_LITERAL = 4 << 20;
  private static final int READ = 1 << 20;

  private final int level;
  private final int minBlock;

  BlockDelta(int level) {
    this(level, BlockIndex.MIN_BLOCK);
  }

  /** Smaller blocks than the default, so tests find many in small blobs. */
  BlockDelta(int level, int minBlock) {
    this.level = level;
    this.minBlock = minBlock;
  }

  @Override
  public DeltaEngine engine() {
    return DeltaEngine.BLOCKS;
  }

  @Override
  public boolean accepts(long oldSize, long newSize) {
    return true;
  }

  @Override
  public long encodeMemory(long oldSize, long newSize) {
    // index + the new blob's window + an old-blob buffer + one literal's frame + zstd's state
    return BlockIndex.memory(oldSize, minBlock) + Scan.capacity(BlockIndex.blockSize(oldSize, minBlock)) + READ
        + Zstd.compressBound(MAX_LITERAL) + (16 << 20);
  }

  @Override
  public long applyMemory(long oldSize, long newSize) {
    return 2L * MAX_LITERAL + READ + (4 << 20);
  }

  @Override
  public void encode(BlobSource oldBlob, BlobSource newBlob, OutputStream out) throws IOException {
    try (ZstdCompressCtx ctx = MagiclessFrames.encoder(level)) {
      new Scan(BlockIndex.of(oldBlob, minBlock), oldBlob, newBlob, out, ctx).run();
    }
  }

  @Override
  public void apply(BlobSource oldBlob, InputStream body, long newSize, OutputStream out) throws IOException {
    long oldSize = oldBlob.size();
    byte[] buf = new byte[(int) Math.min(READ, Math.max(1, oldSize))];
    long written = 0;
    while (written < newSize) {
      int literal = (int) Varint.read(body, Math.min(MAX_LITERAL, newSize - written), "literal length");
      if (literal > 0) {
        int frameLen = (int) Varint.read(body, Zstd.compressBound(literal) + 64, "literal frame length");
        byte[] frame = body.readNBytes(frameLen);
        if (frame.length != frameLen) {
          throw new DeltaFormatException("delta ends inside a literal frame");
        }
        out.write(MagiclessFrames.decode(new byte[0], frame, literal, "literal frame"));
        written += literal;
      }
      long copy = Varint.read(body, newSize - written, "copy length");
      if (copy == 0 && literal == 0) {
        throw new DeltaFormatException("an operation that produces nothing");
      }
      if (copy > oldSize) {
        throw new DeltaFormatException("a copy of " + copy + " bytes from an old blob of " + oldSize);
      }
      if (copy > 0) {
        long from = Varint.read(body, oldSize - copy, "copy offset");
        for (long done = 0; done < copy; ) {
          int n = (int) Math.min(buf.length, copy - done);
          oldBlob.readFully(from + done, buf, 0, n);
          out.write(buf, 0, n);
          done += n;
        }
        written += copy;
      }
    }
    if (body.read() >= 0) {
      throw new DeltaFormatException("bytes after the last operation");
    }
  }

  /** One encoding: the scan of the new blob through a window that keeps the pending literal. */
  private static final class Scan {
    private final BlockIndex index;
    private final RollingHash hash;
    private final int block;
    private final BlobSource oldBlob;
    private final BlobSource newBlob;
    private final long newSize;
    private final OutputStream out;
    private final ZstdCompressCtx ctx;
    /** The new blob's bytes [winStart, winStart + winLen). */
    private final byte[] win;
    private long winStart;
    private int winLen;
    private final byte[] oldBuf;

    Scan(BlockIndex index, BlobSource oldBlob, BlobSource newBlob, OutputStream out, ZstdCompressCtx ctx) {
      this.index = index;
      this.hash = index.hash();
      this.block = index.blockSize();
      this.oldBlob = oldBlob;
      this.newBlob = newBlob;
      this.newSize = newBlob.size();
      this.out = out;
      this.ctx = ctx;
      this.win = new byte[(int) Math.min(capacity(block), Math.max(1, newSize))];
      this.oldBuf = new byte[Math.max(READ, block)];
    }

    /** The window: a whole pending literal, a block ahead and a read's worth to spare. */
    static int capacity(int block) {
      return MAX_LITERAL + 2 * block + 2 * READ;
    }

    void run() throws IOException {
      long literal = 0; // start of the bytes not yet written
      long p = 0;
      long h = 0;
      boolean hashed = false;
      while (p + block <= newSize && block <= oldBlob.size()) {
        if (p - literal >= MAX_LITERAL) {
          writeLiteral(literal, p);
          writeCopy(0, 0);
          literal = p;
        }
        see(literal, p + block + 1);
        if (!hashed) {
          h = hash.of(win, at(p));
          hashed = true;
        }
        // Roll on through the window while the filter rules out every block.
        long stop = Math.min(Math.min(newSize, winStart + winLen) - block - 1, literal + MAX_LITERAL - 1);
        while (p < stop && !index.mayHave(h)) {
          h = hash.roll(h, win[at(p)], win[at(p + block)]);
          p++;
        }
        int k = index.mayHave(h) ? index.find(h) : -1;
        long o = (long) k * block;
        if (k >= 0 && sameAsOld(p, o)) {
          int back = sameBefore(p, o, (int) Math.min(block, p - literal));
          writeLiteral(literal, p - back);
          long end = sameAfter(p + block, o + block);
          writeCopy(end - (p - back), o - back);
          p = end;
          literal = end;
          hashed = false;
        } else if (p + block < newSize) {
          h = hash.roll(h, win[at(p)], win[at(p + block)]);
          p++;
        } else {
          break;
        }
      }
      for (long from = literal; from < newSize; from += MAX_LITERAL) {
        see(from, Math.min(newSize, from + MAX_LITERAL));
        writeLiteral(from, Math.min(newSize, from + MAX_LITERAL));
        writeCopy(0, 0);
      }
    }

    private int at(long pos) {
      return (int) (pos - winStart);
    }

    /** Makes the window hold [keepFrom, min(upTo, newSize)); it may hold more. */
    private void see(long keepFrom, long upTo) throws IOException {
      long end = Math.min(upTo, newSize);
      if (end <= winStart + winLen) {
        return;
      }
      int drop = (int) (keepFrom - winStart);
      System.arraycopy(win, drop, win, 0, winLen - drop);
      winStart = keepFrom;
      winLen -= drop;
      int n = (int) Math.min(win.length - winLen, newSize - (winStart + winLen));
      newBlob.readFully(winStart + winLen, win, winLen, n);
      winLen += n;
    }

    private boolean sameAsOld(long p, long o) throws IOException {
      oldBlob.readFully(o, oldBuf, 0, block);
      return Arrays.equals(win, at(p), at(p) + block, oldBuf, 0, block);
    }

    /** How many of the up to {@code max} bytes before p and o are the same. */
    private int sameBefore(long p, long o, int max) throws IOException {
      int n = (int) Math.min(max, o);
      oldBlob.readFully(o - n, oldBuf, 0, n);
      int same = 0;
      while (same < n && win[at(p) - 1 - same] == oldBuf[n - 1 - same]) {
        same++;
      }
      return same;
    }

    /**
     * The first position from q on (o in the old blob) where the blobs differ or one ends. Reads
     * a block's worth first and twice as much each time after: where a block matches only itself
     * (a zero block of the old blob, met at every block of a long run of zeros in the new one),
     * reading a whole buffer ahead each time read the old blob 256 times over.
     */
    private long sameAfter(long q, long o) throws IOException {
      int chunk = block;
      while (q < newSize && o < oldBlob.size()) {
        int n = (int) Math.min(chunk, Math.min(newSize - q, oldBlob.size() - o));
        chunk = Math.min(READ, chunk * 2);
        see(q, q + n);
        oldBlob.readFully(o, oldBuf, 0, n);
        int diff = Arrays.mismatch(win, at(q), at(q) + n, oldBuf, 0, n);
        if (diff >= 0) {
          return q + diff;
        }
        q += n;
        o += n;
      }
      return q;
    }

    private void writeLiteral(long from, long to) throws IOException {
      int n = (int) (to - from);
      Varint.write(out, n);
      if (n > 0) {
        byte[] frame = ctx.compress(Arrays.copyOfRange(win, at(from), at(to)));
        Varint.write(out, frame.length);
        out.write(frame);
      }
    }

    /** The copy that ends an operation; none (length 0) after a literal that ends one alone. */
    private void writeCopy(long length, long from) throws IOException {
      Varint.write(out, length);
      if (length > 0) {
        Varint.write(out, from);
      }
    }
  }
}
