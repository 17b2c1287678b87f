package org.casfs.sync.pull;

/** Receives a pull's progress (from pull threads, one call at a time, at most a few times a second) and notes. */
public interface PullListener {
  void progress(PullProgress p);

  /** One line worth telling a user (a source dropped, a resume). */
  default void note(String line) {}

  PullListener QUIET = p -> { };
}
