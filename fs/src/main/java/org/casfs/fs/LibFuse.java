package org.casfs.fs;

import jnr.ffi.Pointer;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.byref.PointerByReference;
import ru.serce.jnrfuse.struct.FuseOperations;

/**
 * The libfuse 2 calls casfs makes, one binding for the process ({@link #get()}).
 *
 * <ul>
 *   <li>A writable mount ({@link FuseMount}) runs the pieces of libfuse's own loop on Java
 *       threads: {@code fuse_setup} parses the options and mounts, then each worker receives and
 *       processes requests itself. Callbacks then arrive on threads the JVM already knows, instead
 *       of libfuse's native workers that jnr attaches as a new Java thread on every call.
 *   <li>A read-only mount ({@link DevFuse}) only mounts and unmounts through libfuse
 *       ({@code fuse_mount}, {@code fuse_unmount}: {@code mount(2)} as root, {@code fusermount}
 *       otherwise) and speaks to the descriptor itself.
 * </ul>
 *
 * <p>Public only because jnr-ffi generates its implementation in another class loader.
 */
public interface LibFuse {
  /** The binding, loaded on first use. */
  static LibFuse get() {
    return Holder.LIB;
  }

  /** Lazy, thread-safe loading (the class initialises on first access). */
  final class Holder {
    static final LibFuse LIB = jnr.ffi.LibraryLoader.create(LibFuse.class).failImmediately().load("fuse");

    private Holder() {}
  }

  Pointer fuse_mount(String mountpoint, Pointer args);

  void fuse_unmount(String mountpoint, Pointer channel);

  Pointer fuse_setup(int argc, String[] argv, FuseOperations op, long opSize, PointerByReference mountpoint,
      IntByReference multithreaded, Pointer userData);

  void fuse_teardown(Pointer fuse, Pointer mountpoint);

  Pointer fuse_get_session(Pointer fuse);

  Pointer fuse_session_next_chan(Pointer se, Pointer ch);

  long fuse_chan_bufsize(Pointer ch);

  int fuse_chan_fd(Pointer ch);

  int fuse_session_receive_buf(Pointer se, Pointer buf, PointerByReference chp);

  void fuse_session_process_buf(Pointer se, Pointer buf, Pointer ch);

  int fuse_session_exited(Pointer se);

  void fuse_session_exit(Pointer se);
}
