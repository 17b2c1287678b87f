package org.casfs.sync.peer;

import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Logs a failure that repeats every round (a full disk refuses the status file every 2 s: 43,200
 * lines a day) once while it lasts, and its end. Used by one thread.
 */
final class OnceWhileItLasts {
  private final String prefix;
  private final String over;
  private final Consumer<String> log;
  private final BooleanSupplier closing;
  private String last;

  /** {@code closing}: true once the daemon is closing, when failures are expected and not told. */
  OnceWhileItLasts(String prefix, String over, Consumer<String> log, BooleanSupplier closing) {
    this.prefix = prefix;
    this.over = over;
    this.log = log;
    this.closing = closing;
  }

  void failed(Throwable e) {
    String line = prefix + e;
    if (!closing.getAsBoolean() && !line.equals(last)) {
      log.accept(line + "; said once while it lasts");
    }
    last = line;
  }

  void ok() {
    if (last != null) {
      log.accept(over);
      last = null;
    }
  }
}
