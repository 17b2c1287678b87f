package org.casfs.cas.io;

import org.casfs.cas.posix.FileStat;

/**
 * Racily clean files (git's term): a file whose change or modification time is within a second of
 * the moment it was read may be written again within the same timestamp tick (a few milliseconds
 * on ext4, a second or two on older filesystems) without either time moving. Its times then
 * cannot tell that it changed: the stat cache does not remember it, and an import reads it twice
 * and compares ({@link BlobImporter}), since a write during the one read would leave no trace.
 */
final class RacyFiles {
  static final long WINDOW_NANOS = 1_000_000_000L;

  private RacyFiles() {}

  /** Whether {@code st}'s times are within the window of {@code readStartNanos} (the wall clock before reading). */
  static boolean isRacy(FileStat st, long readStartNanos) {
    return Math.max(st.ctimeNanos(), st.mtimeNanos()) >= readStartNanos - WINDOW_NANOS;
  }
}
