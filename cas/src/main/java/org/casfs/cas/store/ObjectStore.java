package org.casfs.cas.store;

import java.io.Closeable;
import java.io.IOException;

/**
 * A content-addressed object store, composed of the read, insert, enumerate and remove roles.
 * Implementations are thread-safe.
 */
public interface ObjectStore extends ObjectReader, ObjectInserter, ObjectEnumerator, ObjectRemover, Closeable {
  @Override
  void close() throws IOException;
}
