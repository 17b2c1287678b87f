package org.casfs.fs;

import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Keeps what the kernel caches of a read-only mount right, once the mount hands over a
 * {@link KernelNotifier}: after a switch every name is looked up again and the root's attributes
 * are refetched (the root is never looked up), and a node whose size a reader of another version
 * cut can have its attributes refetched. Until then (or on a kernel that cannot be told) it does
 * nothing, and the mount's short timeouts keep the caches right. Thread-safe.
 */
final class KernelCaches {
  /**
   * How long after a switch the kernel is told of it. With the 1 s timeouts the kernel learnt of a
   * switch half a second late on average; a lookup after the notification gives an inode the new
   * version's size, which clips the page-cache reads of a file opened before the switch that is
   * longer in its version (one size per inode), and the grace lets such short reads finish.
   */
  static final long SWITCH_GRACE_MILLIS = 500;

  private final Consumer<String> log;
  private volatile KernelNotifier kernel;
  private ScheduledExecutorService notifyThread;

  KernelCaches(Consumer<String> log) {
    this.log = log;
  }

  /** From now on the kernel is told; told at once too, as a switch may have come before. */
  void attach(KernelNotifier notifier) {
    this.kernel = notifier;
    namesStale();
  }

  boolean attached() {
    return kernel != null;
  }

  /** The shown version changed: tell the kernel {@link #SWITCH_GRACE_MILLIS} from now. */
  void switched() {
    if (kernel == null) {
      return;
    }
    ScheduledExecutorService t;
    synchronized (this) {
      if (notifyThread == null) {
        notifyThread = Executors.newSingleThreadScheduledExecutor(r -> {
          Thread th = new Thread(r, "casfs-kernel-notify");
          th.setDaemon(true);
          return th;
        });
      }
      t = notifyThread;
    }
    try {
      t.schedule(this::namesStale, SWITCH_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException unmounted) {
      // nothing left to tell
    }
  }

  private void namesStale() {
    KernelNotifier k = kernel;
    if (k == null) {
      return;
    }
    int err = k.incrementEpoch();
    if (err == 0) {
      err = k.invalidateAttributes(KernelNotifier.ROOT_NODE);
    }
    if (err != 0) {
      log.accept("casfs: could not tell the kernel of a switch (errno " + err
          + "); it may show the old version's names until it forgets them");
    }
  }

  /**
   * The attributes of the node the calling request is about are stale. Without its node id (a
   * request libfuse handed over spliced), every name is looked up again instead, which refreshes
   * the attributes of every node a path reaches.
   */
  void requestNodeAttributesStale() {
    KernelNotifier k = kernel;
    if (k == null) {
      return;
    }
    long node = FuseMount.currentNodeId();
    int err = node != 0 ? k.invalidateAttributes(node) : k.incrementEpoch();
    if (err != 0) {
      log.accept("casfs: could not tell the kernel to refetch attributes (errno " + err + ")");
    }
  }

  /** The mount is gone: drop pending notifications. */
  void close() {
    synchronized (this) {
      if (notifyThread != null) {
        notifyThread.shutdownNow();
        notifyThread = null;
      }
    }
    kernel = null;
  }
}
