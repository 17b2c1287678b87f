package org.casfs.sync.wire;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.casfs.cas.Hashes;
import org.casfs.cas.ObjectId;
import org.casfs.cas.OneByteRead;
import org.casfs.cas.Sha256;

/**
 * Reads a fetch stream from an untrusted source. It only splits the stream into frames: after
 * {@link #next()} the caller must consume exactly the header's size from {@link #payload()}
 * (which never yields more than that) before the next call. Not thread-safe.
 */
public final class FrameReader {
  private final InputStream in;
  private long remainingPayload;
  private boolean ended;

  public FrameReader(InputStream in) throws IOException {
    this.in = in;
    byte[] magic = in.readNBytes(FrameWriter.MAGIC.length);
    if (!Arrays.equals(magic, FrameWriter.MAGIC)) {
      throw new WireException("the source's fetch stream does not start with CASFSFS1; not a casfs server?");
    }
  }

  /** The next header, or null at the END frame. */
  public FrameHeader next() throws IOException {
    if (ended) {
      return null;
    }
    if (remainingPayload != 0) {
      throw new IllegalStateException("previous frame has " + remainingPayload + " unread bytes");
    }
    byte[] h = in.readNBytes(FrameHeader.LENGTH);
    if (h.length != FrameHeader.LENGTH) {
      throw new EOFException("the fetch stream ended inside a frame header (connection dropped?)");
    }
    int type = h[0] & 0xff;
    long size = java.nio.ByteBuffer.wrap(h, 21 + 32, 8).getLong();
    if (type == FrameHeader.END) {
      ended = true;
      return null;
    }
    if (size < 0) {
      throw new WireException("frame declares a negative size");
    }
    remainingPayload = size;
    return new FrameHeader(type, new Hashes(ObjectId.fromRaw(h, 1), Sha256.fromRaw(h, 21)), size);
  }

  /** The current frame's payload: at most the declared size, then end of stream. */
  public InputStream payload() {
    return new InputStream() {
      @Override
      public int read() throws IOException {
        return OneByteRead.through(this);
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (remainingPayload == 0) {
          return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, remainingPayload));
        if (n < 0) {
          throw new EOFException("the fetch stream ended inside an object (connection dropped?)");
        }
        remainingPayload -= n;
        return n;
      }
    };
  }

  /** Reused: most payloads skipped have nothing left (a tree delta's decoder read it whole). */
  private byte[] skipBuffer;

  /** Reads and drops the rest of the current payload (an object already held). */
  public void skipPayload() throws IOException {
    InputStream p = payload();
    if (skipBuffer == null) {
      skipBuffer = new byte[64 * 1024];
    }
    while (p.read(skipBuffer) >= 0) {
      // drop
    }
  }

  public boolean ended() {
    return ended;
  }
}
