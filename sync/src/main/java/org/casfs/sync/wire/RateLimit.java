package org.casfs.sync.wire;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.function.LongSupplier;

/**
 * At most so many bytes a second, on average, through every stream it wraps together: what a
 * server sends in all, so that a laptop serving its neighbours, or the school's origin, leaves
 * the room's Wi-Fi usable; or what a pull receives, on a link that is paid by the byte or shared
 * (a ship's satellite link). Up to a quarter of a second's worth may go at once. Callers reserve
 * their bytes in turn (the generic cell rate algorithm: a theoretical send time advanced by each
 * reservation) and wait outside the lock until their bytes are due. Thread-safe.
 */
public final class RateLimit {
  private static final long BURST_NANOS = 250_000_000L;
  /**
   * Writes are cut into pieces of at most this size, so that streams sending at once take turns;
   * at low rates into a sixteenth of a second's worth (at least 512 bytes), so they stay smooth.
   */
  private static final int MAX_PIECE = 16 * 1024;

  /** Waits; tests replace it. */
  interface Sleeper {
    void sleepNanos(long nanos) throws InterruptedException;
  }

  private final long bytesPerSecond;
  private final int piece;
  private final double nanosPerByte;
  private final LongSupplier clock;
  private final Sleeper sleeper;
  private long due; // when every byte reserved so far is due at the rate (the GCRA's "TAT")

  public RateLimit(long bytesPerSecond) {
    this(bytesPerSecond, System::nanoTime, nanos -> Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000)));
  }

  RateLimit(long bytesPerSecond, LongSupplier clock, Sleeper sleeper) {
    if (bytesPerSecond < 1) {
      throw new IllegalArgumentException("a rate must be at least 1 byte a second: " + bytesPerSecond);
    }
    this.bytesPerSecond = bytesPerSecond;
    this.piece = (int) Math.max(512, Math.min(MAX_PIECE, bytesPerSecond / 16));
    this.nanosPerByte = 1e9 / bytesPerSecond;
    this.clock = clock;
    this.sleeper = sleeper;
    this.due = clock.getAsLong();
  }

  public long bytesPerSecond() {
    return bytesPerSecond;
  }

  /** Reserves {@code bytes} and waits until they may be sent. */
  void acquire(int bytes) throws InterruptedIOException {
    long wait;
    synchronized (this) {
      long now = clock.getAsLong();
      due = Math.max(due, now) + (long) (bytes * nanosPerByte);
      wait = due - now - BURST_NANOS;
    }
    if (wait > 0) {
      try {
        sleeper.sleepNanos(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while holding bytes back to the rate limit");
      }
    }
  }

  /**
   * {@code in}, with every byte read from it taken from this limit: each read asks for at most a
   * piece and, once it has it, waits for its turn, so the sender is held back by TCP's own window.
   */
  public InputStream wrap(InputStream in) {
    return new FilterInputStream(in) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, Math.min(len, piece));
        if (n > 0) {
          acquire(n);
        }
        return n;
      }

      @Override
      public int read() throws IOException {
        int c = in.read();
        if (c >= 0) {
          acquire(1);
        }
        return c;
      }
    };
  }

  /**
   * {@code out}, with every byte written to it taken from this limit first. Each piece is flushed
   * once written: a buffer below (an HTTP response's 4 KiB chunks) would otherwise hold the pieces
   * of streams that take turns, and at a low rate a client would see nothing for seconds, then a
   * burst (three clients sharing 4 KiB/s got their first bytes after ~3 s).
   */
  public OutputStream wrap(OutputStream out) {
    return new FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        for (int done = 0; done < len; ) {
          int n = Math.min(piece, len - done);
          acquire(n);
          out.write(b, off + done, n);
          out.flush();
          done += n;
        }
      }

      @Override
      public void write(int b) throws IOException {
        acquire(1);
        out.write(b);
      }
    };
  }
}
