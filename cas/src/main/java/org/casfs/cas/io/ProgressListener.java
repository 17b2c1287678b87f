package org.casfs.cas.io;

/**
 * Hears how far a long import or checkout has come, to drive a progress bar. Totals grow while
 * the tree is still being walked. Called often and from several threads: implementations must
 * be thread-safe and cheap (throttle drawing themselves).
 */
@FunctionalInterface
public interface ProgressListener {
  ProgressListener NONE = (doneEntries, totalEntries, doneBytes, totalBytes) -> { };

  /**
   * @param doneEntries entries finished so far
   * @param totalEntries entries found so far
   * @param doneBytes file bytes finished so far (read and hashed, or written)
   * @param totalBytes file bytes found so far
   */
  void progress(long doneEntries, long totalEntries, long doneBytes, long totalBytes);
}
