package org.casfs.cas.io;

import java.io.IOException;
import org.casfs.cas.posix.FileStat;
import org.casfs.cas.posix.Posix;
import org.casfs.cas.posix.PosixException;

/**
 * Removes a tree this process wrote, by byte path (names need not be UTF-8), never following a
 * symlink and never entering another file system (something mounted into the tree meanwhile, a
 * bind mount of /home into a chroot being prepared, is left alone and reported): the undo of a
 * checkout that failed.
 */
final class TreeRemoval {
  private TreeRemoval() {}

  /** Removes {@code path} and all under it that is on the file system {@code device}. */
  static void remove(byte[] path, long device) throws IOException {
    FileStat st = Posix.lstatOrNull(path);
    if (st == null) {
      return;
    }
    if (st.dev() != device) {
      throw new IOException(Posix.printable(path) + " is on another file system (mounted there meanwhile); left"
          + " as it is");
    }
    if (!st.isDirectory()) {
      Posix.unlink(path);
      return;
    }
    try {
      Posix.chmod(path, 0700); // its final mode may already be set, e.g. r-x
    } catch (PosixException e) {
      // listing or removing its entries then says what is wrong
    }
    for (byte[] name : Posix.list(path)) {
      remove(Posix.join(path, name), device);
    }
    Posix.rmdir(path);
  }
}
