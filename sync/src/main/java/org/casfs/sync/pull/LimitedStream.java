package org.casfs.sync.pull;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.casfs.cas.CorruptObjectException;
import org.casfs.cas.ObjectId;
import org.casfs.cas.OneByteRead;

/**
 * Passes at most {@code size} bytes; a source with more bytes than declared (endless data) is
 * cut off at the declared size and reported.
 */
final class LimitedStream extends FilterInputStream {
  private final String source;
  private final ObjectId id;
  private long left;

  LimitedStream(InputStream in, long size, String source, ObjectId id) {
    super(in);
    this.left = size;
    this.source = source;
    this.id = id;
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
