package org.casfs.tools.daemon;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A command's stdout or stderr inside the daemon: bytes collect in a buffer of one frame
 * ({@link ControlProtocol#MAX_FRAME}) and go to the client as a frame when it fills or on flush.
 * Both streams of one connection share {@code sink}, on which they synchronize. Not thread-safe
 * on its own (one command writes it).
 */
final class FrameOutputStream extends OutputStream {
  private final DataOutputStream sink;
  private final byte kind;
  private final byte[] buf = new byte[ControlProtocol.MAX_FRAME];
  private int used;

  FrameOutputStream(DataOutputStream sink, byte kind) {
    this.sink = sink;
    this.kind = kind;
  }

  @Override
  public void write(int b) throws IOException {
    if (used == buf.length) {
      send();
    }
    buf[used++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      if (used == buf.length) {
        send();
      }
      int n = Math.min(len, buf.length - used);
      System.arraycopy(b, off, buf, used, n);
      used += n;
      off += n;
      len -= n;
    }
  }

  @Override
  public void flush() throws IOException {
    send();
    synchronized (sink) {
      sink.flush();
    }
  }

  /** Sends what is buffered; the connection stays open for the other stream and the exit frame. */
  @Override
  public void close() throws IOException {
    flush();
  }

  private void send() throws IOException {
    if (used == 0) {
      return;
    }
    synchronized (sink) {
      ControlProtocol.writeFrame(sink, kind, buf, 0, used);
    }
    used = 0;
  }
}
