package org.casfs.fs;

import jnr.ffi.Pointer;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.byref.PointerByReference;
import ru.serce.jnrfuse.struct.FuseOperations;

/**
 * The pieces of libfuse 2's own loop, so that Java threads can run it: {@code fuse_setup}
 * parses the options and mounts, then each worker receives and processes requests itself.
 * Callbacks then arrive on threads the JVM already knows, instead of libfuse's native workers
 * that jnr attaches as a new Java thread on every call.
 */
public interface LibFuseLoop {
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
