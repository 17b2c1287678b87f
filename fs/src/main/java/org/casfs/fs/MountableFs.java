package org.casfs.fs;

import ru.serce.jnrfuse.struct.FuseOperations;

/** A jnr-fuse filesystem whose callback table {@link FuseMount} can serve. */
public interface MountableFs {
  /** The callback table libfuse calls (filled by jnr-fuse's constructor). */
  FuseOperations operations();

  /**
   * True if this filesystem keeps the kernel's caches right by telling it when they go stale
   * ({@link #useKernelNotifier}); the mount then lets the kernel cache names and attributes for
   * long ({@link MountOptions#NOTIFIED_CACHE_SECONDS}) instead of the short timeout that bounds
   * how long a change can stay unseen.
   */
  default boolean notifiesKernel() {
    return false;
  }

  /**
   * Called once the mount is up, when {@link #notifiesKernel()} and the kernel understood a first
   * notification; from then on the filesystem must tell the kernel of every change it makes.
   */
  default void useKernelNotifier(KernelNotifier notifier) {}

  /** Called once the mount is gone and no callback runs any more: release what reads held open. */
  default void unmounted() {}
}
