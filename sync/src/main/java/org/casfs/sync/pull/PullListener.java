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

  /**
   * Everything the pull stored up to {@code bytesDone} (as counted by {@link PullProgress}) is now
   * durable: a pull stopped from here on, by a kill or a power cut, resumes without fetching it
   * again. Called from the thread that made it durable (a worker thread): thread-safe.
   */
  default void durable(long bytesDone) {}

  PullListener QUIET = p -> { };
}
