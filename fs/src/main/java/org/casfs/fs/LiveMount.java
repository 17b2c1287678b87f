package org.casfs.fs;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;

/**
 * A mount served by this process's request threads: the read-only {@link NodeMount} or the
 * writable {@link FuseMount}. What both share lives here: requests counted by opcode (logged at
 * unmount when the system property {@code casfs.fs.requestStats} is true), waiting for the
 * threads to see the mount gone, and {@link #close()}, which unmounts (lazily if files are busy)
 * and then lets the subclass release what it holds. A shutdown hook closes on SIGINT/SIGTERM.
 * Thread-safe.
 */
public abstract class LiveMount implements Closeable {
  private static final int OPCODES = 64;

  private final Path mountPoint;
  /** Where problems go, one line each. */
  protected final Consumer<String> log;
  private final CountDownLatch stopped;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicLongArray requests = new AtomicLongArray(OPCODES);
  private final Thread shutdownHook = new Thread(this::closeQuietly, "casfs-unmount");

  LiveMount(Path mountPoint, int threads, Consumer<String> log) {
    this.mountPoint = mountPoint;
    this.log = log;
    this.stopped = new CountDownLatch(threads);
    java.lang.Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /** Returns once the kernel answers through the new mount; if it does not, closes it and throws. */
  final void checkAnswers() throws IOException {
    try {
      java.nio.file.Files.readAttributes(mountPoint, "unix:mode");
    } catch (IOException e) {
      close();
      throw new MountException("the mount at " + mountPoint + " does not answer: " + e.getMessage());
    }
  }

  /** Counts one request (its {@code fuse_in_header} opcode). */
  final void counted(int opcode) {
    requests.incrementAndGet(opcode > 0 && opcode < OPCODES ? opcode : 0);
  }

  /** Called by each request thread as it ends. */
  final void threadEnded() {
    stopped.countDown();
  }

  /** True once every request thread has ended (the mount is gone). */
  final boolean threadsEnded() {
    return stopped.getCount() == 0;
  }

  public final Path mountPoint() {
    return mountPoint;
  }

  /** Requests served so far, indexed by FUSE opcode (index 0 counts unknown opcodes). */
  public final long[] requestCounts() {
    long[] out = new long[OPCODES];
    for (int i = 0; i < OPCODES; i++) {
      out[i] = requests.get(i);
    }
    return out;
  }

  /** Blocks until the mount goes away (unmounted by {@code casfs umount}, fusermount or close). */
  public final void awaitUnmounted() throws InterruptedException {
    stopped.await();
  }

  public final boolean awaitUnmounted(long timeout, TimeUnit unit) throws InterruptedException {
    return stopped.await(timeout, unit);
  }

  /**
   * Unmounts: plainly if nothing is busy, else lazily (the kernel detaches the mount now and
   * drops it when the last open file closes); then waits up to 10 s for the request threads to end
   * and {@linkplain #release releases} what the mount holds.
   */
  @Override
  public final void close() throws IOException {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (Boolean.getBoolean("casfs.fs.requestStats")) {
      log.accept("casfs: requests served " + FuseOpcodes.describe(requestCounts()));
    }
    try {
      java.lang.Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // we are the hook
    }
    IOException failure = threadsEnded() ? null : MountTable.unmountOrDetach(mountPoint);
    boolean drained;
    try {
      drained = stopped.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      drained = false;
    }
    if (drained) {
      release();
    } else {
      log.accept("casfs: " + mountPoint + " still has open files; it was detached and goes away when they close");
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** Releases the channel and what reads held open; called once no request thread runs. */
  abstract void release();

  private void closeQuietly() {
    try {
      close();
    } catch (IOException e) {
      log.accept(e.getMessage());
    }
  }
}
