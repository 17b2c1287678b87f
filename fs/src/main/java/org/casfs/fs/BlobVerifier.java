package org.casfs.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.LinkedHashMap;
import java.util.Map;
import org.casfs.cas.CorruptObjectException;
import org.casfs.cas.DualDigest;
import org.casfs.cas.Hashes;
import org.casfs.cas.ObjectId;

/**
 * Checks a loose blob file against both of its names (SHA-1 and SHA-256) before any of its bytes
 * is served, once per blob id: ids that passed are remembered in a bounded LRU set, so a file
 * opened a thousand times is hashed once. A file damaged after it passed is served until its id
 * leaves the set; {@code casfs fsck} is the tool that catches rot at rest. Thread-safe; two
 * threads opening one unverified blob may both hash it.
 */
public final class BlobVerifier {
  private static final int CHUNK = 1 << 20;
  private final Map<ObjectId, Boolean> verified;
  /** One reusable direct buffer per request thread: a fresh 1 MiB per open would pile up until a GC. */
  private final ThreadLocal<ByteBuffer> buffers = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(CHUNK));

  public BlobVerifier(int maxRemembered) {
    if (maxRemembered < 1) {
      throw new IllegalArgumentException("the verified-id cache needs room for at least one id");
    }
    this.verified = new LinkedHashMap<>(1024, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<ObjectId, Boolean> eldest) {
        return size() > maxRemembered;
      }
    };
  }

  public boolean isVerified(ObjectId id) {
    synchronized (verified) {
      return verified.get(id) != null;
    }
  }

  /**
   * Hashes the whole file (through a direct buffer, without heap copies of the content) unless
   * this id already passed.
   *
   * @throws CorruptObjectException if the length or either hash differs from what the tree says
   */
  public void verify(Hashes expected, long expectedSize, FileChannel file) throws IOException {
    if (isVerified(expected.id())) {
      return;
    }
    DualDigest digest = new DualDigest();
    ByteBuffer buf = buffers.get();
    long pos = 0;
    while (true) {
      buf.clear();
      int n = file.read(buf, pos);
      if (n < 0) {
        break;
      }
      pos += n;
      buf.flip();
      digest.update(buf);
    }
    if (pos != expectedSize) {
      throw new CorruptObjectException(expected.id(), "its loose file has " + pos + " bytes where " + expectedSize
          + " were recorded; run 'casfs fsck --repair URL' to fetch a good copy");
    }
    Hashes actual = digest.finish();
    if (!actual.id().equals(expected.id())) {
      throw CorruptObjectException.damagedCopy(expected.id(), actual.id());
    }
    if (!actual.sha256().equals(expected.sha256())) {
      throw new CorruptObjectException(expected.id(), "its SHA-256 is " + actual.sha256() + " where the tree names "
          + expected.sha256() + " (a SHA-1 collision?)");
    }
    synchronized (verified) {
      verified.put(expected.id(), Boolean.TRUE);
    }
  }
}
