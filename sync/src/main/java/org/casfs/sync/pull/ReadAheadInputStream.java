package org.casfs.sync.pull;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Reads a fetch stream on its own thread (socket, chunked decoding, zstd) into a small bounded
 * queue, so the network and decompression keep going while the pulling thread hashes and stores
 * (a blob over {@link BlobWriters#MAX_PIPELINED} is stored on the pulling thread).
 * Bounded: at most {@code maxChunks} chunks of {@code chunkSize} bytes wait (a killed pull loses
 * them, as it loses the socket buffers). An exception of the source (a {@link SlowSourceException}
 * from the {@link RateGuard}, a read timeout, a dropped connection), or any other throwable that
 * ends the thread (an Error too), is rethrown, the same instance, to the reader at the point of the
 * stream where it happened: the reader never waits for a thread that is gone. On a clean end the source is closed
 * by the reading thread (an HTTP connection goes back to keep-alive); {@link #close()} before the end
 * runs {@code abort} (disconnects), which also unblocks the thread. One consumer; not otherwise
 * thread-safe.
 */
final class ReadAheadInputStream extends InputStream {
  private static final Object END = new Object();

  private final InputStream source;
  private final Runnable abort;
  private final int chunkSize;
  private final BlockingQueue<Object> queue;
  private final Thread thread;
  private volatile boolean closed;
  private byte[] chunk = new byte[0];
  private int pos;
  private Object terminal; // END or the source's exception, once taken from the queue

  ReadAheadInputStream(InputStream source, Runnable abort, int chunkSize, int maxChunks, String name) {
    this.source = source;
    this.abort = abort;
    this.chunkSize = chunkSize;
    this.queue = new ArrayBlockingQueue<>(maxChunks);
    this.thread = new Thread(this::fill, "casfs-pull-recv " + name);
    thread.setDaemon(true);
    thread.start();
  }

  private void fill() {
    Object last;
    try {
      while (true) {
        byte[] b = new byte[chunkSize];
        int n = source.read(b, 0, b.length);
        if (n < 0) {
          source.close();
          last = END;
          break;
        }
        if (n > 0) {
          queue.put(n == b.length ? b : java.util.Arrays.copyOf(b, n));
        }
        if (closed) {
          return;
        }
      }
    } catch (InterruptedException e) {
      return; // closed by the consumer
    } catch (Throwable e) {
      // Any end, an Error too (OutOfMemoryError allocating a chunk): a thread that died without
      // queuing one left the reader parked in take() for ever.
      last = e;
    }
    try {
      queue.put(last);
    } catch (InterruptedException e) {
      // closed by the consumer: nobody reads the end any more
    }
  }

  private boolean nextChunk() throws IOException {
    if (terminal == null) {
      Object o;
      try {
        o = queue.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("pull interrupted while reading a fetch stream");
      }
      if (o instanceof byte[] b) {
        chunk = b;
        pos = 0;
        return true;
      }
      terminal = o;
    }
    if (terminal == END) {
      return false;
    }
    if (terminal instanceof IOException e) {
      throw e;
    }
    if (terminal instanceof RuntimeException e) {
      throw e;
    }
    if (terminal instanceof Error e) {
      throw e;
    }
    throw new IOException("reading the fetch stream failed: " + terminal, (Throwable) terminal);
  }

  @Override
  public int read() throws IOException {
    if (pos == chunk.length && !nextChunk()) {
      return -1;
    }
    return chunk[pos++] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (pos == chunk.length && !nextChunk()) {
      return -1;
    }
    int n = Math.min(len, chunk.length - pos);
    System.arraycopy(chunk, pos, b, off, n);
    pos += n;
    return n;
  }

  @Override
  public int available() {
    return chunk.length - pos;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (terminal != END) {
      // Not read to the end: drop the connection (unblocks a read in progress), stop the thread.
      abort.run();
      thread.interrupt();
    }
    queue.clear();
  }
}
