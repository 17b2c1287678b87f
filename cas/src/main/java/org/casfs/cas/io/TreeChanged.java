package org.casfs.cas.io;

import java.io.IOException;
import org.casfs.cas.posix.Posix;
import org.casfs.cas.posix.PosixException;

/**
 * The failures of an import whose tree changed under it (a live system's logs, a package
 * manager at work): a file that changed or went away while it was read. An exact version cannot
 * be made of a moving tree, so the import fails, saying which path moved and to import again.
 */
final class TreeChanged {
  private TreeChanged() {}

  /** {@code path} changed while it was read: {@code how}, e.g. "it grew beyond 10 bytes". */
  static IOException changed(byte[] path, String how, Exception cause) {
    return new IOException(Posix.printable(path) + " changed while it was imported (" + how
        + "); import again when it is quiet", cause);
  }

  /**
   * {@code failure} as the walk met it: a path it had listed and that is gone ({@code ENOENT})
   * is the tree changing; any other failure is itself.
   */
  static IOException orRemoved(PosixException failure, byte[] path) {
    if (failure.errno() != Posix.ENOENT) {
      return failure;
    }
    return new IOException(Posix.printable(path) + " was removed while it was imported (the tree is changing);"
        + " import again when it is quiet", failure);
  }
}
