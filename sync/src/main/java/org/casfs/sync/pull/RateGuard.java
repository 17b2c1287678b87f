package org.casfs.sync.pull;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Counts the bytes of an untrusted stream and gives up on it when its source is too slow: in every
 * window of {@code windowNanos} of this stream, at least {@code minBytesPerSecond * window} bytes
 * must arrive from the source, this stream and its others together ({@code counter}), so a source
 * that trickles (TUF's slow-retrieval attack) costs a bounded time per byte, while parallel
 * transfers sharing a slow link are not each judged against the whole floor. A source that sends
 * nothing at all is cut by the socket read timeout. Not thread-safe (one reader).
 */
final class RateGuard extends FilterInputStream {
  private final String source;
  private final long minBytesPerSecond;
  private final long windowNanos;
  private final LongSupplier nanoClock;
  private final AtomicLong counter;
  private long windowStart;
  private long sourceBytesAtWindowStart;

  RateGuard(InputStream in, String source, long minBytesPerSecond, long windowNanos, LongSupplier nanoClock,
      AtomicLong counter) {
    super(in);
    this.source = source;
    this.minBytesPerSecond = minBytesPerSecond;
    this.windowNanos = windowNanos;
    this.nanoClock = nanoClock;
    this.counter = counter;
    this.windowStart = nanoClock.getAsLong();
    this.sourceBytesAtWindowStart = counter.get();
  }

  @Override
  public int read() throws IOException {
    int b = in.read();
    account(b < 0 ? 0 : 1);
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    account(Math.max(n, 0));
    return n;
  }

  private void account(int n) throws SlowSourceException {
    long sourceBytes = counter.addAndGet(n); // this stream's and the source's other streams' bytes
    long now = nanoClock.getAsLong();
    long elapsed = now - windowStart;
    if (elapsed >= windowNanos) {
      double seconds = elapsed / 1e9;
      long fromSource = sourceBytes - sourceBytesAtWindowStart;
      if (fromSource < minBytesPerSecond * seconds) {
        throw new SlowSourceException(source + " sent only " + fromSource + " bytes in " + String.format("%.1f", seconds)
            + " s (the minimum is " + minBytesPerSecond + " bytes/s); giving up on it as too slow");
      }
      windowStart = now;
      sourceBytesAtWindowStart = sourceBytes;
    }
  }
}
