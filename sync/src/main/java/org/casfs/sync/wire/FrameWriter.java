package org.casfs.sync.wire;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Writes a fetch stream: the magic {@code CASFSFS1}, then frames (header + exactly {@code size}
 * payload bytes), then an END header. Not thread-safe.
 */
public final class FrameWriter {
  public static final byte[] MAGIC = "CASFSFS1".getBytes(StandardCharsets.US_ASCII);

  private final OutputStream out;
  private final byte[] buffer = new byte[128 * 1024];
  private long payloadBytes;

  public FrameWriter(OutputStream out) throws IOException {
    this.out = out;
    out.write(MAGIC);
  }

  public void header(FrameHeader h) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(FrameHeader.LENGTH);
    b.put((byte) h.type());
    b.put(h.hashes().id().toRaw());
    b.put(h.hashes().sha256().toRaw());
    b.putLong(h.size());
    out.write(b.array());
  }

  /** A whole frame whose payload is in memory. */
  public void frame(FrameHeader h, byte[] payload) throws IOException {
    if (payload.length != h.size()) {
      throw new IllegalArgumentException("payload of " + payload.length + " bytes for a header declaring " + h.size());
    }
    header(h);
    out.write(payload);
    payloadBytes += payload.length;
  }

  /** A whole frame whose payload is streamed; {@code in} must yield exactly {@code h.size()} bytes. */
  public void frame(FrameHeader h, InputStream in) throws IOException {
    header(h);
    long left = h.size();
    while (left > 0) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n < 0) {
        throw new IOException("object " + h.id() + " ended " + left + " bytes early while being sent");
      }
      out.write(buffer, 0, n);
      left -= n;
    }
    payloadBytes += h.size();
  }

  public void end() throws IOException {
    ByteBuffer b = ByteBuffer.allocate(FrameHeader.LENGTH);
    out.write(b.array());
    out.flush();
  }

  public long payloadBytes() {
    return payloadBytes;
  }
}
