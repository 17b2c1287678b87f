package org.casfs.fs;

import java.io.Closeable;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A mount served by this process: the read-only {@link NodeMount} or the writable
 * {@link FuseMount}. {@link #close()} unmounts (lazily if files are busy); SIGINT and SIGTERM do
 * the same through a shutdown hook.
 */
public interface LiveMount extends Closeable {
  Path mountPoint();

  /** Requests served so far, indexed by FUSE opcode (index 0 counts unknown opcodes). */
  long[] requestCounts();

  /** Blocks until the mount goes away (unmounted by {@code casfs umount}, fusermount or close). */
  void awaitUnmounted() throws InterruptedException;

  boolean awaitUnmounted(long timeout, TimeUnit unit) throws InterruptedException;
}
