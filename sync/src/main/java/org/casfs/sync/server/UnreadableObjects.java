package org.casfs.sync.server;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.casfs.cas.CorruptObjectException;
import org.casfs.cas.ObjectException;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.ReadFailures;

/**
 * Failures to read a stored object, named by the object: a file the disk cannot read (a bad
 * sector: EIO) becomes a {@link CorruptObjectException} of that id, so that the server's owner
 * hears which object (a peer reads it again and repairs it from its neighbours, {@code
 * SelfRepair}). Damage the failure already names, and failures that are not the object's
 * ({@link ReadFailures}), pass as they are. Stateless.
 */
final class UnreadableObjects {
  private UnreadableObjects() {}

  /** {@code e}, or the damage of {@code id} it stands for. */
  static IOException naming(ObjectId id, IOException e) {
    if (e instanceof ObjectException || !ReadFailures.blameTheObject(e)) {
      return e;
    }
    CorruptObjectException named = new CorruptObjectException(id, "its file cannot be read (" + e.getMessage() + ")");
    named.initCause(e);
    return named;
  }

  /** {@code in}, whose read failures are named by {@code id}. */
  static InputStream reporting(ObjectId id, InputStream in) {
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        try {
          return super.read();
        } catch (IOException e) {
          throw naming(id, e);
        }
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        try {
          return super.read(b, off, len);
        } catch (IOException e) {
          throw naming(id, e);
        }
      }
    };
  }
}
