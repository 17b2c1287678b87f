package org.casfs.tools;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * While open, Ctrl-C (SIGINT) and SIGTERM interrupt the thread that opened it instead of ending
 * the JVM at once: work that undoes itself when interrupted (a checkout) then undoes, reports
 * and exits 130 ({@link ExitCode#INTERRUPTED}). A second signal ends the JVM at once. Only in a
 * process that runs one command ({@link #enableForThisProcess}); elsewhere (a daemon running a
 * client's command, tests running commands in-process) it does nothing. Closing restores the
 * JVM's handlers. Not thread-safe: one per command.
 */
public final class SignalInterrupts implements AutoCloseable {
  private static final String[] SIGNALS = {"INT", "TERM"};
  private static volatile boolean enabled;

  private final List<Signal> installed = new ArrayList<>();
  private final List<SignalHandler> previous = new ArrayList<>();

  private SignalInterrupts() {}

  /** Called by {@code main}: this JVM runs one command, whose signals are its own. */
  static void enableForThisProcess() {
    enabled = true;
  }

  /** Signals interrupt the calling thread until {@link #close}. */
  public static SignalInterrupts interruptingThisThread() {
    SignalInterrupts s = new SignalInterrupts();
    if (!enabled) {
      return s;
    }
    Thread worker = Thread.currentThread();
    AtomicBoolean signalled = new AtomicBoolean();
    for (String name : SIGNALS) {
      Signal signal = new Signal(name);
      SignalHandler handler = sig -> {
        if (signalled.getAndSet(true)) {
          Runtime.getRuntime().halt(128 + sig.getNumber());
        }
        worker.interrupt();
      };
      s.previous.add(Signal.handle(signal, handler));
      s.installed.add(signal);
    }
    return s;
  }

  @Override
  public void close() {
    for (int i = 0; i < installed.size(); i++) {
      Signal.handle(installed.get(i), previous.get(i));
    }
  }
}
