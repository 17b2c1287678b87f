package org.casfs.tools;

import java.io.PrintWriter;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;

/**
 * Draws a progress bar on the invocation's own stderr rather than this process's: for a command
 * a daemon runs for a client (through the control socket), that is the client's terminal, not
 * the daemon's log. The width is the terminal's when it is this process's own, else 80 columns
 * (a daemon cannot see its client's, and must not open a terminal of its own to ask).
 */
final class BarConsumer extends ConsoleProgressBarConsumer {
  private static final int COLUMNS_UNSEEN = 80;
  private final PrintWriter err;

  /** @param ownTerminal true if {@code err} goes to this process's terminal, whose width can be asked */
  BarConsumer(PrintWriter err, boolean ownTerminal) {
    super(null, ownTerminal ? -1 : COLUMNS_UNSEEN);
    this.err = err;
  }

  @Override
  public void accept(String rendered) {
    int width = Math.min(rendered.length(), getMaxRenderedLength());
    synchronized (err) {
      err.print('\r');
      err.write(rendered, 0, width);
      err.flush();
    }
  }

  @Override
  public void close() {
    synchronized (err) {
      err.println();
      err.flush();
    }
  }
}
