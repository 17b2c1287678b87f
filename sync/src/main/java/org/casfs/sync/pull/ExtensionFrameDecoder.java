package org.casfs.sync.pull;

import java.io.IOException;
import java.io.InputStream;
import org.casfs.cas.ObjectType;
import org.casfs.cas.store.ObjectReader;
import org.casfs.sync.wire.FrameHeader;

/**
 * Turns a frame of an extension type (a delta) into the bytes of the blob the header names. The
 * puller then verifies those bytes against the tree entry exactly as for a whole blob, so a
 * decoder never decides what is stored. Implementations are thread-safe.
 */
public interface ExtensionFrameDecoder {
  /** The frame type this decoder reads ({@code >= FrameHeader.FIRST_EXTENSION}). */
  int type();

  /**
   * What the decoded bytes are: a {@link ObjectType#BLOB} (the default; e.g. a file delta) or a
   * {@link ObjectType#TREE} (a tree delta), which the puller checks against the parent's entry and
   * decodes strictly like a whole tree.
   */
  default ObjectType rebuilds() {
    return ObjectType.BLOB;
  }

  /**
   * Reads the whole payload (at most {@code header.size()} bytes) and returns a stream of the
   * reconstructed blob; the caller reads at most the entry's size from it.
   *
   * @param expectedSize the size the signed tree gives the object (for a tree, the largest a tree
   *     may be): a frame that would rebuild anything else is refused before it is applied (a few
   *     bytes of hostile delta can claim terabytes of copies of the old blob)
   */
  InputStream decode(FrameHeader header, long expectedSize, InputStream payload, ObjectReader local)
      throws IOException;

  /**
   * Called once when a pull that used this decoder ends, whether or not it succeeded: work that
   * can wait (keeping received deltas on disk) is done from here on.
   */
  default void pullEnded() {}
}
