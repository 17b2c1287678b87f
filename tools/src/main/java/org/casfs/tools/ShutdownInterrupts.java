package org.casfs.tools;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * While open, a shutdown of the JVM by Ctrl-C (SIGINT) or SIGTERM interrupts the thread that
 * opened it and holds the JVM, up to {@link #BOUND_SECONDS}, until {@code main} has finished its
 * command: work that undoes itself when interrupted (a checkout) undoes and prints its one line
 * before the JVM ends (exit 130 for SIGINT, 143 for SIGTERM). In a daemon ({@code casfs serve}, a
 * mount) stopped while it runs a client's checkout, that checkout is undone too, and the JVM ends
 * once the daemon's own command has. Only in a JVM started by {@code main}
 * ({@link #enableForThisProcess}); tests running commands in-process are left alone. Not
 * thread-safe: one per command.
 */
public final class ShutdownInterrupts implements AutoCloseable {
  static final long BOUND_SECONDS = 60;
  private static volatile boolean enabled;
  private static final CountDownLatch COMMAND_FINISHED = new CountDownLatch(1);

  private final Thread hook;

  private ShutdownInterrupts(Thread hook) {
    this.hook = hook;
  }

  /** Called by {@code main}: this JVM runs one command, and a signal to it is the command's. */
  static void enableForThisProcess() {
    enabled = true;
  }

  /** Called by {@code main} once the command's output is written: a waiting shutdown goes on. */
  static void commandFinished() {
    COMMAND_FINISHED.countDown();
  }

  /** A shutdown interrupts the calling thread until {@link #close}. */
  public static ShutdownInterrupts interruptingThisThread() {
    if (!enabled) {
      return new ShutdownInterrupts(null);
    }
    Thread worker = Thread.currentThread();
    Thread hook = new Thread(() -> {
      worker.interrupt();
      try {
        COMMAND_FINISHED.await(BOUND_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "casfs-interrupt-on-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    return new ShutdownInterrupts(hook);
  }

  @Override
  public void close() {
    if (hook == null) {
      return;
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook runs, and main lets it go on when the command is done
    }
  }
}
