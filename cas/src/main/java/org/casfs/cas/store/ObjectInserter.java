package org.casfs.cas.store;

import java.io.IOException;
import java.io.InputStream;
import org.casfs.cas.HashedBytes;
import org.casfs.cas.Hashes;
import org.casfs.cas.ObjectType;

/**
 * The write role of a store. Inserting an object the store already holds is cheap and returns
 * the existing info. An object is readable as soon as insert returns; it is durable (survives
 * power loss, not just a crash of this process) after {@link #flush()}. Callers flush before
 * anything durable points at what they inserted.
 */
public interface ObjectInserter {
  /** Inserts bytes held in memory. */
  ObjectInfo insert(ObjectType type, byte[] bytes) throws IOException;

  /**
   * Inserts bytes hashed already ({@link HashedBytes} pairs them with their own hashes), without
   * hashing them again where the store can.
   */
  default ObjectInfo insert(ObjectType type, HashedBytes object) throws IOException {
    return insert(type, object.bytes());
  }

  /**
   * Streams exactly {@code size} bytes of a blob from {@code in}, hashing as it goes. If
   * {@code expected} is not null the bytes must hash to it, or nothing is stored and a
   * {@link org.casfs.cas.CorruptObjectException} is thrown. A stream shorter than {@code size} is
   * an error and stores nothing. Bytes after the first {@code size} are left unread, so one stream
   * can carry many objects; a caller that expects the stream to end there checks that itself. A
   * {@link HashedBytes.Stream} not yet read from is checked against its hashes instead of hashed
   * again where the store can.
   */
  ObjectInfo insertBlob(InputStream in, long size, Hashes expected) throws IOException;

  /** Makes every object inserted so far durable. */
  void flush() throws IOException;
}
