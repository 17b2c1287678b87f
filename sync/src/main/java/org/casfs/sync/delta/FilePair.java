package org.casfs.sync.delta;

import org.casfs.cas.Hashes;

/**
 * A regular file of the new version and the old blob it is diffed against.
 *
 * @param newPath the file's path in the new version
 * @param oldPath the path the old blob had in the old version (equal to newPath unless renamed)
 */
public record FilePair(String newPath, String oldPath, Hashes oldBlob, long oldSize, Hashes newBlob, long newSize) {
  public boolean renamed() {
    return !newPath.equals(oldPath);
  }

  /** {@code {old-id}-{new-id}}. */
  public String deltaName() {
    return DeltaHeader.name(oldBlob.id(), newBlob.id());
  }
}
