package org.casfs.sync.pull;

/**
 * Receives a pull's progress (from pull threads, one call at a time, at most a few times a second)
 * and notes (possibly from several threads at once).
 */
public interface PullListener {
  void progress(PullProgress p);

  /**
   * One line worth telling a user (a source dropped, a resume, an unusable delta). May be called
   * from the pull's worker threads (deltas are applied there): implementations must be thread-safe.
   */
  default void note(String line) {}

  PullListener QUIET = p -> { };
}
