package org.casfs.fs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import org.casfs.cas.posix.Posix;

/**
 * A mount's {@code /dev/fuse} descriptor, spoken to directly: libfuse 2's {@code fuse_mount} does
 * the mounting ({@link LibFuse}) and hands over the descriptor; requests are read and replies
 * written with plain {@code read(2)} and {@code write(2)} on direct buffers ({@link Posix}), so no
 * libfuse loop, path string or callback stands between the kernel and {@link ImageServer}. Several
 * threads may read at once: the kernel gives each request to one of them. Thread-safe.
 */
final class DevFuse {
  private final Path mountPoint;
  private final Pointer channel;
  private final int fd;

  private DevFuse(Path mountPoint, Pointer channel, int fd) {
    this.mountPoint = mountPoint;
    this.channel = channel;
    this.fd = fd;
  }

  /**
   * Mounts at {@code mountPoint} with the kernel mount options {@code options} ({@code -o} list:
   * ro, allow_other, dev, suid, fsname=, ...); null if the kernel or fusermount refused (libfuse
   * printed why).
   */
  static DevFuse mountOrNull(Path mountPoint, String options) {
    LibFuse fuse = LibFuse.get();
    Runtime rt = Runtime.getRuntime(fuse);
    String[] argv = {"casfs", "-o", options};
    // struct fuse_args { int argc; char **argv; int allocated; }
    Pointer args = Memory.allocateDirect(rt, 24, true);
    Pointer vector = Memory.allocateDirect(rt, 8L * (argv.length + 1), true);
    Pointer[] strings = new Pointer[argv.length];
    for (int i = 0; i < argv.length; i++) {
      byte[] b = argv[i].getBytes(StandardCharsets.UTF_8);
      strings[i] = Memory.allocateDirect(rt, b.length + 1, true);
      strings[i].put(0, b, 0, b.length);
      vector.putAddress(8L * i, strings[i].address());
    }
    args.putInt(0, argv.length);
    args.putAddress(8, vector.address());
    args.putInt(16, 0);
    Pointer ch = fuse.fuse_mount(mountPoint.toString(), args);
    java.lang.ref.Reference.reachabilityFence(strings);
    java.lang.ref.Reference.reachabilityFence(vector);
    if (ch == null) {
      return null;
    }
    return new DevFuse(mountPoint, ch, fuse.fuse_chan_fd(ch));
  }

  /** A buffer the descriptor can be read into or written from, little-endian like the kernel. */
  static ByteBuffer newBuffer(int size) {
    return ByteBuffer.allocateDirect(size).order(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * Reads one request into {@code b}.
   *
   * @return its length, or the negated errno ({@code ENODEV}: the mount is gone)
   */
  long read(ByteBuffer b) {
    return Posix.readDirect(fd, b);
  }

  /**
   * Writes the first {@code len} bytes of {@code b} (a reply or a notification).
   *
   * @return 0, or the errno ({@code ENOENT}: the request was interrupted, which is fine)
   */
  int write(ByteBuffer b, int len) {
    return Posix.writeDirect(fd, b, len);
  }

  /**
   * Closes the descriptor; if the mount is still there (the kernel did not report it gone), the
   * root user's libfuse also detaches it.
   */
  void close() {
    LibFuse.get().fuse_unmount(mountPoint.toString(), channel);
  }
}
