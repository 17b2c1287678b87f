package org.casfs.txn;

/**
 * A regular file held open through a transaction ({@link Transaction#open}): reads, writes and
 * truncations through it reach the same inode whatever happens to its names, as a file
 * descriptor does. Once its last name is gone (unlink, or a rename over it) while it is open, it
 * is nobody's to see: its content is kept apart for the openers until the last one {@link
 * Transaction#close closes} it, is never journaled, and never reaches a version. The same holds
 * for a file held open past its transaction's commit when the file can no longer be found by
 * name in the next one. Guarded by the transaction's monitor.
 */
public final class OpenFile {
  final Transaction txn;
  final Node node;
  boolean closed;
  /** Served apart: its transaction finished and the next one has no name for it. */
  volatile boolean stranded;

  OpenFile(Transaction txn, Node node) {
    this.txn = txn;
    this.node = node;
  }

  /**
   * Serves this file apart from now on ({@link Transaction#read(OpenFile, long, java.nio.ByteBuffer)}
   * and the others no longer refuse it for its finished transaction): for a file that its next
   * transaction cannot find by any name.
   */
  public void strand() {
    stranded = true;
  }

  /** True if {@code other} is open on the same inode. */
  public boolean sameInode(OpenFile other) {
    return other.node == node;
  }

  /** The transaction this file was opened in. */
  public Transaction transaction() {
    return txn;
  }
}
