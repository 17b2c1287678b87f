package org.casfs.fs;

import com.kenai.jffi.MemoryIO;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

/**
 * A mount's {@code /dev/fuse} descriptor, spoken to directly: libfuse 2's {@code fuse_mount} does
 * the mounting (the {@code mount(2)} call as root, {@code fusermount} otherwise) and hands over
 * the descriptor; requests are read and replies written with plain {@code read(2)} and
 * {@code write(2)} on direct buffers, so no libfuse loop, path string or callback stands between
 * the kernel and {@link ImageServer}. Several threads may read at once: the kernel gives each
 * request to one of them. Thread-safe.
 */
final class DevFuse {
  static final int ENOENT = 2;
  static final int EINTR = 4;
  static final int EAGAIN = 11;
  static final int ENODEV = 19;

  /** The two libfuse 2 calls that mount and unmount without its request loop. */
  public interface LibFuseMount {
    Pointer fuse_mount(String mountpoint, Pointer args);

    void fuse_unmount(String mountpoint, Pointer channel);

    int fuse_chan_fd(Pointer channel);
  }

  /** read(2) and write(2) on the descriptor. */
  public interface LibC {
    long read(int fd, Pointer buf, long count);

    long write(int fd, Pointer buf, long count);
  }

  private static volatile LibFuseMount fuse;
  private static volatile LibC libc;
  private final Runtime runtime;
  private final Path mountPoint;
  private final Pointer channel;
  private final int fd;

  private DevFuse(Runtime runtime, Path mountPoint, Pointer channel, int fd) {
    this.runtime = runtime;
    this.mountPoint = mountPoint;
    this.channel = channel;
    this.fd = fd;
  }

  private static void load() {
    if (libc == null) {
      synchronized (DevFuse.class) {
        if (libc == null) {
          fuse = LibraryLoader.create(LibFuseMount.class).failImmediately().load("fuse");
          libc = LibraryLoader.create(LibC.class).failImmediately().load("c");
        }
      }
    }
  }

  /**
   * Mounts at {@code mountPoint} with the kernel mount options {@code options} ({@code -o} list:
   * ro, allow_other, dev, suid, fsname=, ...); null if the kernel or fusermount refused (libfuse
   * printed why).
   */
  static DevFuse mountOrNull(Path mountPoint, String options) {
    load();
    Runtime rt = Runtime.getRuntime(libc);
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
    return new DevFuse(rt, mountPoint, ch, fuse.fuse_chan_fd(ch));
  }

  /** A buffer the descriptor can be read into or written from, little-endian like the kernel. */
  Buffer newBuffer(int size) {
    Pointer mem = Memory.allocateDirect(runtime, size, true);
    ByteBuffer view = MemoryIO.getInstance().newDirectByteBuffer(mem.address(), size).order(ByteOrder.LITTLE_ENDIAN);
    return new Buffer(mem, view);
  }

  /** Native memory and a ByteBuffer over the same bytes. */
  record Buffer(Pointer memory, ByteBuffer bytes) {}

  /**
   * Reads one request into {@code b}.
   *
   * @return its length, or the negated errno ({@code ENODEV}: the mount is gone)
   */
  long read(Buffer b) {
    long n = libc.read(fd, b.memory(), b.bytes().capacity());
    return n >= 0 ? n : -LastError.getLastError(runtime);
  }

  /**
   * Writes {@code len} bytes of {@code b} (a reply or a notification).
   *
   * @return 0, or the errno ({@code ENOENT}: the request was interrupted, which is fine)
   */
  int write(Buffer b, int len) {
    long n = libc.write(fd, b.memory(), len);
    if (n == len) {
      return 0;
    }
    return n < 0 ? LastError.getLastError(runtime) : Errno.EIO;
  }

  /**
   * Closes the descriptor; if the mount is still there (the kernel did not report it gone), the
   * root user's libfuse also detaches it.
   */
  void close() {
    fuse.fuse_unmount(mountPoint.toString(), channel);
  }
}
