package org.casfs.tools.daemon;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import org.casfs.cas.posix.Posix;
import org.casfs.cas.posix.PosixException;

/**
 * The address to bind or connect {@code REPO/control.sock} by. A Unix socket's address holds at
 * most 107 bytes of path, and a repository deeper than ~90 bytes ({@code
 * /media/admin/SCHOOL-UPDATES/casfs/...}) would get no control socket at all: every command beside
 * its daemon would find the repository busy. For such a path the address is {@code
 * /proc/self/fd/N/control.sock}, N an {@code O_PATH} descriptor of the repository's directory,
 * which the kernel resolves to the same file; close this once bound or connected. Linux only, as
 * casfs is.
 */
final class ControlSocketAddress implements AutoCloseable {
  /** The longest path a socket address holds (sun_path is 108 bytes with its NUL). */
  static final int MAX_PATH_BYTES = 107;

  private final UnixDomainSocketAddress address;
  private final int dirFd; // -1: none held

  private ControlSocketAddress(UnixDomainSocketAddress address, int dirFd) {
    this.address = address;
    this.dirFd = dirFd;
  }

  /** The address of {@code socket} (an absolute path), short enough to bind or connect. */
  static ControlSocketAddress of(Path socket) throws IOException {
    byte[] bytes = Posix.bytes(socket);
    if (bytes.length <= MAX_PATH_BYTES) {
      return new ControlSocketAddress(UnixDomainSocketAddress.of(socket), -1);
    }
    int fd = Posix.openPath(Posix.bytes(socket.getParent()));
    return new ControlSocketAddress(
        UnixDomainSocketAddress.of("/proc/self/fd/" + fd + "/" + socket.getFileName()), fd);
  }

  UnixDomainSocketAddress address() {
    return address;
  }

  @Override
  public void close() throws PosixException {
    if (dirFd >= 0) {
      Posix.close(dirFd, new byte[0]);
    }
  }
}
