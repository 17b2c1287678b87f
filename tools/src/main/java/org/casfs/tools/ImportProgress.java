package org.casfs.tools;

import org.casfs.cas.io.ProgressListener;

/** Feeds an import's or checkout's progress (bytes of file contents) into a {@link Progress} bar. */
public final class ImportProgress implements ProgressListener {
  private final Progress bar;
  private long lastTotal = -1;
  private long lastDone;
  private long lastEntries;
  private long lastEntriesTotal;

  private ImportProgress(Progress bar) {
    this.bar = bar;
  }

  /**
   * A listener feeding {@code bar}, or none at all when the bar is quiet: the importer's threads
   * call it once per file, and a quiet bar would still cost a lock and a message each time.
   */
  public static ProgressListener of(Progress bar) {
    return bar.shown() ? new ImportProgress(bar) : ProgressListener.NONE;
  }

  /**
   * The counts only grow, but the importer's threads report them in any order: an older report
   * that arrives late never moves the bar back.
   */
  @Override
  public synchronized void progress(long doneEntries, long totalEntries, long doneBytes, long totalBytes) {
    if (totalBytes > lastTotal) {
      bar.total(totalBytes);
      lastTotal = totalBytes;
    }
    lastDone = Math.max(lastDone, doneBytes);
    lastEntries = Math.max(lastEntries, doneEntries);
    lastEntriesTotal = Math.max(lastEntriesTotal, totalEntries);
    bar.stepTo(lastDone);
    bar.message(" " + lastEntries + "/" + lastEntriesTotal + " entries");
  }
}
