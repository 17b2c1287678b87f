package org.casfs.tools;

import org.casfs.cas.io.ProgressListener;

/** Feeds an import's or checkout's progress (bytes of file contents) into a {@link Progress} bar. */
public final class ImportProgress implements ProgressListener {
  private final Progress bar;
  private long lastTotal = -1;

  public ImportProgress(Progress bar) {
    this.bar = bar;
  }

  @Override
  public synchronized void progress(long doneEntries, long totalEntries, long doneBytes, long totalBytes) {
    if (totalBytes != lastTotal) {
      bar.total(totalBytes);
      lastTotal = totalBytes;
    }
    bar.stepTo(doneBytes);
    bar.message(" " + doneEntries + "/" + totalEntries + " entries");
  }
}
