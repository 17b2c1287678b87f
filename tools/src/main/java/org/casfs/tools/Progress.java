package org.casfs.tools;

import java.io.PrintWriter;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress of long work (import, checkout, fsck, gc, pull): a bar on stderr when a terminal is
 * attached, nothing at all otherwise, so scripts and logs stay quiet. Thread-safe: steps may
 * come from worker threads.
 */
public final class Progress implements AutoCloseable {
  private static final Progress NONE = new Progress(null);
  private final ProgressBar bar;

  private Progress(ProgressBar bar) {
    this.bar = bar;
  }

  /** A quiet progress that shows nothing. */
  public static Progress none() {
    return NONE;
  }

  /**
   * Starts a bar for {@code total} units ({@code -1} if unknown yet).
   *
   * @param ownTerminal true if the terminal is this process's (its width is asked), false for a
   *     client's at the other end of a control socket (80 columns)
   * @param unit "MiB" shows bytes as MiB, anything else counts items
   */
  public static Progress start(boolean terminal, boolean ownTerminal, PrintWriter err, String task, long total,
      String unit) {
    if (!terminal) {
      return NONE;
    }
    ProgressBarBuilder b = new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(total)
        .setStyle(ProgressBarStyle.ASCII)
        .setUpdateIntervalMillis(250)
        .setConsumer(new BarConsumer(err, ownTerminal))
        .showSpeed();
    if ("MiB".equals(unit)) {
      b.setUnit(" MiB", 1L << 20);
    } else if (unit != null) {
      b.setUnit(" " + unit, 1);
    }
    err.flush();
    return new Progress(b.build());
  }

  /** True if a bar is drawn; a quiet progress ignores every call. */
  public boolean shown() {
    return bar != null;
  }

  public void step(long n) {
    if (bar != null) {
      bar.stepBy(n);
    }
  }

  public void stepTo(long n) {
    if (bar != null) {
      bar.stepTo(n);
    }
  }

  public void total(long total) {
    if (bar != null) {
      bar.maxHint(total);
    }
  }

  public void message(String text) {
    if (bar != null) {
      bar.setExtraMessage(text);
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
