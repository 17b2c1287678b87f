package org.casfs.txn;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.casfs.cas.store.Repository;

/**
 * The bytes of an open file that lost its last name: a channel of its own, on a file that has no
 * name either (its data file, deleted at the next sync like any unnamed inode's, or a copy of its
 * blob made on the first write and deleted at once). The channel keeps the bytes alive for as
 * long as the file is open, across syncs, commits and the deletion of the staging directory, and
 * the kernel frees them when it is closed. Guarded by the transaction's monitor.
 */
final class OrphanContent {
  private OrphanContent() {}

  /** A channel of its own on a data file that is about to lose its name. */
  static FileChannel detach(Path dataFile) throws IOException {
    return FileChannel.open(dataFile, StandardOpenOption.READ, StandardOpenOption.WRITE);
  }

  /**
   * A nameless copy of the first {@code size} bytes of {@code n}'s blob in {@code dir} (the
   * repository's staging directory, which outlives every transaction).
   */
  static FileChannel copyOf(Repository repo, Node n, Path dir) throws IOException {
    Path tmp = Files.createTempFile(dir, "open-unlinked-", "");
    FileChannel ch = FileChannel.open(tmp, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      Files.delete(tmp);
      BlobRanges.copyPrefix(repo, n.blob.id(), n.size, ch);
      return ch;
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
  }
}
