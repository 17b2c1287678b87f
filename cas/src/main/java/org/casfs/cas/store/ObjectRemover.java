package org.casfs.cas.store;

import java.io.IOException;
import org.casfs.cas.ObjectId;

/** The remove role, for gc only. */
public interface ObjectRemover {
  /**
   * Removes the object; returns whether it was there. Not safe against concurrent inserts of the
   * same object: gc uses {@link #beginSweep()} instead.
   */
  boolean remove(ObjectId id) throws IOException;

  /**
   * Opens a sweep (see {@link Sweep}): call it before marking, so that everything inserted while
   * gc runs survives it.
   *
   * @throws IllegalStateException if a sweep is already open
   * @throws UnsupportedOperationException if this store cannot protect concurrent inserts (the
   *     default, so that decorators and fakes keep compiling; the real stores override it)
   */
  default Sweep beginSweep() {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " does not support gc sweeps");
  }
}
