package org.casfs.sync.server;

import java.io.IOException;
import org.casfs.cas.Entry;
import org.casfs.cas.ObjectId;
import org.casfs.sync.wire.FetchRequest;
import org.casfs.sync.wire.FrameWriter;

/**
 * A way to send a blob other than whole, consulted for each blob of a fetch stream (deltas: when
 * the client holds an older blob of the same path, send the delta). Implementations must be
 * thread-safe; one fetch calls them from one thread.
 */
public interface FetchHook {
  /**
   * Writes a replacement frame for {@code blob} and returns true, or writes nothing and returns
   * false so the whole blob is sent.
   *
   * @param blob the tree entry naming the blob (its name, size and hashes)
   * @param oldEntryOrNull the entry at the same path in the first have-version the client named,
   *     or null if the client has no version or nothing is at that path
   */
  boolean sendInstead(Entry blob, Entry oldEntryOrNull, FetchRequest request, FrameWriter out) throws IOException;

  /**
   * Writes a replacement frame for the tree {@code tree} (a tree delta) and returns true, or
   * writes nothing and returns false so the whole tree is sent. By default trees go whole.
   *
   * @param oldTreeOrNull the tree at the same path in the first have-version the client named
   */
  default boolean sendTreeInstead(ObjectId tree, ObjectId oldTreeOrNull, FetchRequest request, FrameWriter out)
      throws IOException {
    return false;
  }
}
