package org.casfs.tools.daemon;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Notices that the client of a command run for it in a daemon went away (Ctrl-C, a closed
 * terminal, a killed script) and stops the command as Ctrl-C stops it in a process of its own.
 * After its request a client sends nothing, so a read on the connection that ends the stream (or
 * fails) means the client hung up.
 *
 * <p>A command still waiting for the repository's lock is always stopped: it never starts. Once
 * it runs, its thread is interrupted only if {@code stoppable}: an import or a checkout undoes
 * itself, a pull keeps what it stored and does not switch; commands that change refs or an open
 * transaction run to their end. Created, {@link #running started} and closed by the command's thread.
 */
final class HangUpWatch implements AutoCloseable {
  /** What became of a command whose client went away. */
  enum Outcome {
    NOT_STARTED("did not start"),
    STOPPED("was stopped"),
    LEFT_TO_FINISH("runs to its end");

    /** For the daemon's log: "the command ..." */
    final String description;

    Outcome(String description) {
      this.description = description;
    }
  }

  private final Thread command;
  private final boolean stoppable;
  private final Consumer<Outcome> onHangUp;
  private boolean running; // guarded by this
  private boolean finished; // guarded by this
  private boolean hungUp; // guarded by this

  private HangUpWatch(Thread command, boolean stoppable, Consumer<Outcome> onHangUp) {
    this.command = command;
    this.stoppable = stoppable;
    this.onHangUp = onHangUp;
  }

  /**
   * Watches {@code ch} on a thread of {@code threads} for the calling thread's command; the watch
   * ends when the caller closes the connection. If the client goes away first, {@code onHangUp}
   * is told once what became of the command.
   */
  static HangUpWatch start(SocketChannel ch, Executor threads, boolean stoppable, Consumer<Outcome> onHangUp) {
    HangUpWatch w = new HangUpWatch(Thread.currentThread(), stoppable, onHangUp);
    threads.execute(() -> w.watch(ch));
    return w;
  }

  /**
   * Called once the command holds its lock: true if it may run, false if its client is gone
   * already. Clears an interrupt meant for the wait.
   */
  synchronized boolean running() {
    Thread.interrupted();
    running = !hungUp;
    return running;
  }

  private void watch(SocketChannel ch) {
    // Not through the connection's InputStream: that one holds the channel's blocking lock while it
    // reads, and the command's output frames need that lock to be written.
    ByteBuffer ignored = ByteBuffer.allocate(64);
    try {
      while (ch.read(ignored) >= 0) {
        ignored.clear(); // a client sends nothing more; stray bytes change nothing
      }
    } catch (IOException e) {
      // reset by the client, or closed by the command's thread when it finished
    }
    hangUp();
  }

  private void hangUp() {
    Outcome outcome;
    synchronized (this) {
      if (finished) {
        return;
      }
      hungUp = true;
      outcome = !running ? Outcome.NOT_STARTED : stoppable ? Outcome.STOPPED : Outcome.LEFT_TO_FINISH;
      if (!running || stoppable) {
        command.interrupt();
      }
    }
    onHangUp.accept(outcome);
  }

  /** The client went away before the command finished. */
  synchronized boolean hungUp() {
    return hungUp;
  }

  /** The command is done (or never ran): no interrupt reaches its thread after this. */
  @Override
  public void close() {
    synchronized (this) {
      finished = true;
    }
    Thread.interrupted(); // a pooled thread starts its next command clean
  }
}
