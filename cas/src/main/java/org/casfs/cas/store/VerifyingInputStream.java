package org.casfs.cas.store;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.casfs.cas.CorruptObjectException;
import org.casfs.cas.DualDigest;
import org.casfs.cas.Hashes;
import org.casfs.cas.ObjectId;
import org.casfs.cas.OneByteRead;

/**
 * Passes through exactly {@code size} bytes of an object, hashing them; the read that would hand
 * out the last byte first checks the SHA-1 (and SHA-256 when known) and throws
 * {@link CorruptObjectException} on a mismatch, so no consumer reading to the end accepts a wrong
 * object. A source shorter or longer than {@code size} is corrupt too.
 */
public final class VerifyingInputStream extends FilterInputStream {
  private final ObjectId id;
  private final org.casfs.cas.Sha256 sha256OrNull;
  private final long size;
  private final DualDigest digest = new DualDigest();
  private long remaining;
  private boolean verified;

  public VerifyingInputStream(InputStream in, ObjectId id, org.casfs.cas.Sha256 sha256OrNull, long size) {
    super(in);
    this.id = id;
    this.sha256OrNull = sha256OrNull;
    this.size = size;
    this.remaining = size;
  }

  @Override
  public int read() throws IOException {
    return OneByteRead.through(this);
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (remaining == 0) {
      verifyEnd();
      return -1;
    }
    int n = in.read(b, off, (int) Math.min(len, remaining));
    if (n < 0) {
      throw new CorruptObjectException(id, "truncated: " + (size - remaining) + " of " + size
          + " bytes; run 'casfs fsck --repair URL' to fetch a good copy");
    }
    digest.update(b, off, n);
    remaining -= n;
    if (remaining == 0) {
      verifyEnd();
    }
    return n;
  }

  private void verifyEnd() throws IOException {
    if (verified) {
      return;
    }
    if (in.read() >= 0) {
      throw new CorruptObjectException(id, "longer than its recorded " + size
          + " bytes; run 'casfs fsck --repair URL' to fetch a good copy");
    }
    Hashes actual = digest.finish();
    if (!actual.id().equals(id)) {
      throw CorruptObjectException.damagedCopy(id, actual.id());
    }
    if (sha256OrNull != null && !actual.sha256().equals(sha256OrNull)) {
      throw new CorruptObjectException(id, "SHA-256 " + actual.sha256() + " does not match " + sha256OrNull);
    }
    verified = true;
  }

  @Override
  public long skip(long n) throws IOException {
    // Skipping would bypass hashing; read through instead.
    byte[] buf = new byte[8192];
    long done = 0;
    while (done < n) {
      int r = read(buf, 0, (int) Math.min(buf.length, n - done));
      if (r < 0) {
        break;
      }
      done += r;
    }
    return done;
  }

  @Override
  public int available() throws IOException {
    return (int) Math.min(Integer.MAX_VALUE, Math.min(remaining, in.available()));
  }

  @Override
  public boolean markSupported() {
    return false;
  }
}
