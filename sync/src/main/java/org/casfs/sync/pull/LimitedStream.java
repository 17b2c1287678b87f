package org.casfs.sync.pull;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.casfs.cas.CorruptObjectException;
import org.casfs.cas.ObjectId;
import org.casfs.cas.OneByteRead;

/**
 * Passes at most {@code size} bytes; a source with more bytes than declared (endless data) is
 * cut off at the declared size and reported. Over a network, a stream that ends before {@code
 * size} is a broken transfer (a dropped link, a closed connection), not a wrong object: a plain
 * IOException, so the source stays and what arrived can be resumed from. From a local folder (a
 * USB stick) it is a file cut short: a corrupt object.
 */
final class LimitedStream extends FilterInputStream {
  private final String source;
  private final ObjectId id;
  private final long size;
  private final boolean local;
  private long left;

  LimitedStream(InputStream in, long size, Source source, ObjectId id) {
    super(in);
    this.size = size;
    this.local = source.local();
    this.left = size;
    this.source = source.name();
    this.id = id;
  }

  /** A transfer of object {@code id} from {@code source} that a dropped connection ended early. */
  static IOException brokenTransfer(String source, ObjectId id, long received, long size) {
    return new IOException(source + ": the transfer of object " + id + " broke after " + received + " of " + size
        + " bytes");
  }

  @Override
  public int read() throws IOException {
    return OneByteRead.through(this);
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (left == 0) {
      return -1;
    }
    int n = in.read(b, off, (int) Math.min(len, left));
    if (n < 0 && local) {
      throw new CorruptObjectException(id, "the stream ended after " + (size - left) + " of " + size + " bytes");
    }
    if (n < 0) {
      throw brokenTransfer(source, id, size - left, size);
    }
    if (n > 0) {
      left -= n;
      if (left == 0 && in.read() >= 0) {
        // Checked before the last bytes are handed on, so the object is never stored.
        throw new CorruptObjectException(id, source + " sent more bytes than the tree entry declares"
            + " (endless data); cut off at the declared size");
      }
    }
    return n;
  }
}
