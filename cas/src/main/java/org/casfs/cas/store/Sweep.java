package org.casfs.cas.store;

import java.io.Closeable;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import org.casfs.cas.ObjectId;

/**
 * A removal session for gc, opened by {@link ObjectRemover#beginSweep()} <em>before</em> gc marks.
 * From that moment the store remembers every object inserted (including inserts of objects it
 * already held), and {@link #removeUnprotected} never removes those, nor objects whose insert is
 * still in flight. Objects inserted before the sweep began are not protected: gc must be given
 * roots that reach everything still wanted. Not thread-safe; one gc at a time per store.
 */
public interface Sweep extends Closeable {
  /**
   * Removes those of {@code ids} that no insert protects, atomically with respect to inserts.
   * Index entries are durably deleted before any file, so a crash leaves at most orphan files.
   *
   * @return what was removed (objects already gone are left out)
   */
  List<ObjectInfo> removeUnprotected(Collection<ObjectId> ids) throws IOException;

  /**
   * Removes leftovers that no index entry names (loose files orphaned by a crash during an earlier
   * removal), unless an insert protects them.
   *
   * @return bytes freed
   */
  long removeOrphans() throws IOException;

  /** Ends the sweep; the store stops remembering inserts. */
  @Override
  void close();
}
