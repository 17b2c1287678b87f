package org.casfs.fs;

import ru.serce.jnrfuse.struct.FuseOperations;

/** A jnr-fuse filesystem whose callback table {@link FuseMount} can serve. */
public interface MountableFs {
  /** The callback table libfuse calls (filled by jnr-fuse's constructor). */
  FuseOperations operations();

  /** Called once the mount is gone and no callback runs any more: release what reads held open. */
  default void unmounted() {}
}
