package org.casfs.cas.store;

import java.io.IOException;
import java.io.InputStream;
import org.casfs.cas.ObjectId;
import org.casfs.cas.Sha256;

/** The read role of a store. Every read verifies: damaged bytes are reported, never returned. */
public interface ObjectReader {
  /** What the store records of the object, or null if it does not hold it. */
  ObjectInfo statOrNull(ObjectId id) throws IOException;

  default boolean contains(ObjectId id) throws IOException {
    return statOrNull(id) != null;
  }

  /**
   * The id of a stored blob whose bytes have this SHA-256, or null if the store knows none. A
   * caller that hashed bytes with SHA-256 alone learns their SHA-1 here without a second digest:
   * SHA-256 names bytes as surely as both hashes do. A blob is found as soon as its insert
   * returns, so a miss means the store lacks the bytes (or its index of them is damaged; storing
   * them again then writes nothing).
   */
  ObjectId blobIdOrNull(Sha256 sha256) throws IOException;

  /**
   * The whole object, verified against its id.
   *
   * @throws org.casfs.cas.MissingObjectException if absent
   * @throws org.casfs.cas.CorruptObjectException if its bytes do not match its id
   * @throws IOException for objects over {@code Integer.MAX_VALUE - 8} bytes: use {@link #open}
   */
  byte[] read(ObjectId id) throws IOException;

  /**
   * A stream of the object's bytes that verifies as it goes: the read that would complete the
   * object throws {@link org.casfs.cas.CorruptObjectException} instead if the bytes hashed do not
   * match, so a consumer that reads to the end never accepts a damaged object unknowingly.
   */
  InputStream open(ObjectId id) throws IOException;
}
