package org.casfs.fs;

import ru.serce.jnrfuse.struct.FuseOperations;

/** A jnr-fuse filesystem whose callback table {@link FuseMount} can serve. */
public interface MountableFs {
  /** The callback table libfuse calls (filled by jnr-fuse's constructor). */
  FuseOperations operations();
}
