package org.casfs.txn;

import org.casfs.cas.EntryType;
import org.casfs.cas.Metadata;
import org.casfs.cas.Name;

/**
 * What {@code getattr} and {@code readdir} see of one inode inside a transaction.
 *
 * @param name the name it was reached by (the root's is a placeholder)
 * @param nlink hard links of a file; for a directory 2 plus its subdirectories, as on ext4 and
 *     tmpfs (and as the read-only mount shows)
 * @param inode a number unique among the transaction's live inodes and shared by hardlinks: the
 *     number a read-only mount of a version gives the same path ({@link
 *     org.casfs.cas.InodeNumbers}), kept by a file that is renamed for as long as the transaction
 *     lasts
 * @param target the symlink target bytes, or null
 * @param ctimeNanos when the inode last changed in the transaction (bytes, metadata or names), or
 *     its mtime if the transaction has not changed it: versions keep the mtime only
 */
public record Stat(Name name, EntryType type, Metadata meta, long size, long rdev, int nlink, long inode,
    byte[] target, long ctimeNanos) {
  /** Full {@code st_mode}: type bits plus permission bits. */
  public int stMode() {
    return type.modeBits() | meta.mode();
  }

  public boolean isDirectory() {
    return type == EntryType.DIRECTORY;
  }
}
