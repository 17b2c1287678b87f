package org.casfs.cas.check;

/**
 * Progress of a long check (fsck, gc, diff), for progress bars. Called from any thread, possibly
 * often: implementations must be thread-safe and cheap.
 */
@FunctionalInterface
public interface Progress {
  Progress NONE = (phase, done, total) -> { };

  /**
   * @param phase what is being done now, a short word ("objects", "references", "mark", "sweep")
   * @param done units finished in this phase
   * @param total units in this phase, or -1 when not known in advance
   */
  void update(String phase, long done, long total);
}
