package org.casfs.sync.server;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Cuts off clients that stop reading. A response is written by one of the server's few handler
 * threads, and a write to a client that reads nothing blocks that thread for as long as the
 * connection lives: a handful of such clients (a neighbour's bug, or one doing it on purpose) held
 * every thread of a laptop's server, and no other neighbour got an answer. So did a neighbour whose
 * lid was shut mid-download, until TCP gave up on it (some 15 minutes). Response bodies are
 * written here in pieces of at most {@value #PIECE} bytes; a piece still not taken by the client
 * after the stall timeout is cut: the handler thread is interrupted while it is blocked in the
 * write, which closes the connection ({@code SocketChannel} is interruptible) and frees the thread.
 * A slow client that keeps taking bytes is left alone: 30 s a piece is 136 bytes a second, below
 * the 256 a pull accepts from its last source. Thread-safe.
 */
final class StalledClients implements AutoCloseable {
  static final int PIECE = 4 * 1024;
  static final Duration DEFAULT_STALL = Duration.ofSeconds(30);

  private final long stallNanos;
  private final Set<Watched> writing = ConcurrentHashMap.newKeySet();
  private final AtomicLong cut = new AtomicLong();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "casfs-serve-stalls");
    t.setDaemon(true);
    return t;
  });

  StalledClients(Duration stall) {
    this.stallNanos = stall.toNanos();
    long every = Math.max(10, stall.toMillis() / 4);
    timer.scheduleWithFixedDelay(this::cutStalled, every, every, TimeUnit.MILLISECONDS);
  }

  /** {@code body} as a stream whose writes are cut when the client stops reading. */
  OutputStream watch(OutputStream body) {
    return new Watched(body);
  }

  /** Clients cut off so far. */
  long cut() {
    return cut.get();
  }

  private void cutStalled() {
    long now = System.nanoTime();
    for (Watched w : writing) {
      w.cutIfStalled(now);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }

  /** The client of a response stopped reading it; not this machine's problem. */
  static final class ClientStalledException extends IOException {
    ClientStalledException(Duration stall) {
      super("the client took nothing for " + stall.toSeconds() + " s; cut off");
    }
  }

  private final class Watched extends FilterOutputStream {
    private Thread writer; // set while a piece is being written; guarded by this
    private long since;
    private boolean stalled;

    Watched(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      for (int done = 0; done < len; ) {
        int n = Math.min(PIECE, len - done);
        int at = off + done;
        guarded(() -> out.write(b, at, n));
        done += n;
      }
    }

    @Override
    public void flush() throws IOException {
      guarded(out::flush);
    }

    @Override
    public void close() throws IOException {
      guarded(out::close); // may write the last chunk
    }

    private void guarded(IoAction action) throws IOException {
      synchronized (this) {
        if (stalled) {
          throw new ClientStalledException(Duration.ofNanos(stallNanos));
        }
        writer = Thread.currentThread();
        since = System.nanoTime();
      }
      writing.add(this);
      boolean interrupted;
      try {
        action.run();
      } catch (IOException e) {
        synchronized (this) {
          if (stalled) {
            throw new ClientStalledException(Duration.ofNanos(stallNanos));
          }
        }
        throw e;
      } finally {
        writing.remove(this);
        synchronized (this) {
          writer = null;
          // An interrupt that came as the piece finished must not reach the thread's next I/O.
          interrupted = Thread.interrupted();
        }
      }
      if (interrupted) {
        throw new ClientStalledException(Duration.ofNanos(stallNanos));
      }
    }

    synchronized void cutIfStalled(long now) {
      if (writer != null && !stalled && now - since > stallNanos) {
        stalled = true;
        cut.incrementAndGet();
        writer.interrupt();
      }
    }
  }

  @FunctionalInterface
  private interface IoAction {
    void run() throws IOException;
  }
}
