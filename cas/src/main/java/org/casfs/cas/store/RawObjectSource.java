package org.casfs.cas.store;

import java.io.IOException;
import java.io.InputStream;
import org.casfs.cas.ObjectId;

/**
 * Access to an object's bytes exactly as stored, unverified and uncached: only for fsck, which
 * hashes them itself and reports what it finds. Everything else reads through
 * {@link ObjectReader}, which verifies.
 */
public interface RawObjectSource {
  /**
   * The stored bytes, or null if the store does not name the object.
   *
   * @throws org.casfs.cas.MissingObjectException if the store names it but its bytes are gone
   */
  InputStream openStoredOrNull(ObjectId id) throws IOException;
}
