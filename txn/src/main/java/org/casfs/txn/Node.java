package org.casfs.txn;

import java.util.TreeMap;
import org.casfs.cas.EntryType;
import org.casfs.cas.Hashes;
import org.casfs.cas.Metadata;
import org.casfs.cas.Name;

/**
 * One inode of a transaction's upper layer. A directory is either still its base tree
 * ({@code children == null}, so commit reuses the tree id) or materialized into a mutable map.
 * A regular file's content is the base blob until first modified, then a staging data file.
 * Guarded by the owning transaction's monitor.
 */
final class Node {
  /** The inode number the mount shows ({@link org.casfs.cas.InodeNumbers}): kept for life. */
  final long ino;
  /** The hash state of this node's current path, which its children's numbers continue. */
  long pathState;
  EntryType type;
  Metadata meta;
  long rdev;
  byte[] target;
  /** Regular file: the content when {@code data < 0}. */
  Hashes blob;
  long size;
  /** Regular file: number of its staging data file, or -1. */
  int data = -1;
  /** Regular file: how many times its data file's bytes were changed (they may be again). */
  long bytesChanged;
  /** Directory: the base tree while not materialized. */
  Hashes baseTree;
  TreeMap<Name, Node> children;
  /** Directory: how many of its entries are directories, or -1 until counted. */
  int subdirectories = -1;
  /** The base link group of a hardlinked base file, else 0. */
  long baseGroup;
  int nlink = 1;
  /**
   * When this inode last changed in this transaction (its bytes, metadata or names; ns since the
   * epoch), or 0: a version keeps the mtime only, so an inode the transaction has not changed
   * shows its mtime as its ctime.
   */
  long ctime;
  /** Open handles ({@link OpenFile}) on this inode. */
  int opens;
  /** The bytes of an open file that lost its last name ({@link OrphanContent}), or null. */
  java.nio.channels.FileChannel orphan;

  Node(long ino, long pathState, EntryType type, Metadata meta) {
    this.ino = ino;
    this.pathState = pathState;
    this.type = type;
    this.meta = meta;
  }

  boolean isDir() {
    return type == EntryType.DIRECTORY;
  }
}
