package org.casfs.cas.io;

import java.util.List;
import org.casfs.cas.Hashes;
import org.casfs.cas.Xattrs;
import org.casfs.cas.posix.FileStat;
import org.casfs.cas.posix.Posix;

/**
 * One path found by the import walk. Filled by the walking thread, except {@link #blob}, which a
 * hashing worker sets (volatile: read after the workers are joined).
 */
final class ScannedNode {
  final byte[] name;
  /** The directory it was found in; null for the imported root. */
  private final ScannedNode parent;
  /** The full path, kept by directories only: a file's is joined when needed (~90 bytes less a file). */
  private final byte[] dirPath;
  final FileStat stat;
  final Xattrs xattrs;
  /** The symlink target, or null. */
  byte[] target;
  /** Children sorted by name bytes, for directories; null otherwise. */
  List<ScannedNode> children;
  /** For a regular file that is another path of an inode already seen: that first path. */
  ScannedNode sameInode;
  /**
   * Whether the stat cache may remember this file after the import: it was read (not vouched for
   * by the cache) and is not racily clean. Written before {@link #blob}, read after it.
   */
  boolean cacheable;
  volatile Hashes blob;

  ScannedNode(ScannedNode parent, byte[] name, byte[] path, FileStat stat, Xattrs xattrs) {
    this.parent = parent;
    this.name = name;
    this.dirPath = stat.isDirectory() ? path : null;
    this.stat = stat;
    this.xattrs = xattrs;
  }

  /** The full path. */
  byte[] path() {
    return dirPath != null ? dirPath : Posix.join(parent.dirPath, name);
  }

  Hashes blobHashes() {
    return sameInode != null ? sameInode.blob : blob;
  }
}
