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

  /**
   * A whole frame whose payload is streamed from this machine's store: {@code in} should yield
   * exactly {@code h.size()} bytes. If it fails or ends early (a damaged stored copy), the rest of
   * the declared size is sent as zeros, so the stream stays whole and the receiver, which verifies
   * every object, refuses that one object in its own words instead of seeing the connection drop.
   * Failures of the output still throw.
   *
   * @return what went wrong reading {@code in}, or null if the payload was sent as it is
   */
  public IOException frameFillingGaps(FrameHeader h, InputStream in) throws IOException {
    header(h);
    long left = h.size();
    IOException failure = null;
    while (left > 0) {
      int want = (int) Math.min(buffer.length, left);
      int n = -1;
      if (failure == null) {
        try {
          n = in.read(buffer, 0, want);
          if (n < 0) {
            failure = new IOException("object " + h.id() + " ended " + left + " bytes early while being sent");
          }
        } catch (IOException e) {
          failure = e;
        }
      }
      if (n < 0) {
        n = want;
        java.util.Arrays.fill(buffer, 0, n, (byte) 0);
      }
      out.write(buffer, 0, n);
      left -= n;
    }
    payloadBytes += h.size();
    return failure;
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
