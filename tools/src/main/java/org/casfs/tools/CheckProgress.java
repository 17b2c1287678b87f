package org.casfs.tools;

/**
 * Feeds fsck's and gc's phases into a {@link Progress} bar. A phase of unknown length shows what
 * is done so far as all there is; a phase with nothing to do is complete.
 */
public final class CheckProgress implements org.casfs.cas.check.Progress {
  private final Progress bar;
  private String phase = "";

  public CheckProgress(Progress bar) {
    this.bar = bar;
  }

  @Override
  public synchronized void update(String newPhase, long done, long total) {
    if (!newPhase.equals(phase)) {
      phase = newPhase;
      bar.message(" " + newPhase);
    }
    if (total == 0) {
      bar.total(1);
      bar.stepTo(1);
      return;
    }
    bar.total(total < 0 ? Math.max(done, 1) : total);
    bar.stepTo(done);
  }
}
