package org.casfs.cas.io;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.casfs.cas.Hashes;
import org.casfs.cas.Xattrs;
import org.casfs.cas.posix.FileStat;
import org.casfs.cas.posix.Posix;

/**
 * One path found by the import walk. Filled by the walking thread, except {@link #blob}, which a
 * hashing worker sets, and a directory's {@link #tree}, set by whichever thread finished its last
 * child.
 */
final class ScannedNode {
  final byte[] name;
  /** The directory it was found in; null for the imported root. */
  final ScannedNode parent;
  /** The full path, kept by directories only: a file's is joined when needed (~90 bytes less a file). */
  private final byte[] dirPath;
  final FileStat stat;
  final Xattrs xattrs;
  /** The symlink target, or null. */
  byte[] target;
  /**
   * A directory's children sorted by name bytes, until its tree is built (then null, so that a
   * built subtree holds no memory but its root's node); null for other types.
   */
  volatile List<ScannedNode> children;
  /**
   * A directory's children not finished yet, plus one while the walk is still listing it: the
   * thread that takes it to zero builds the tree. Null for other types.
   */
  final AtomicInteger unfinished;
  /**
   * Whether a directory's tree must wait for the link groups, known only after the whole walk: it
   * holds a hard-linked file, or a directory that waits.
   */
  volatile boolean waitsForLinks;
  /** A directory's tree once built. */
  volatile Hashes tree;
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
    this.unfinished = stat.isDirectory() ? new AtomicInteger(1) : null;
  }

  /** The full path. */
  byte[] path() {
    return dirPath != null ? dirPath : Posix.join(parent.dirPath, name);
  }

  Hashes blobHashes() {
    return sameInode != null ? sameInode.blob : blob;
  }
}
