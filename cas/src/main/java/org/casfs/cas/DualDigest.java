package org.casfs.cas;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-1 and SHA-256 over one stream of bytes, with the JDK's digests (which use the CPU's SHA
 * instructions; Bouncy Castle's are about 8x slower here). Not thread-safe; one per stream.
 */
public final class DualDigest {
  private final MessageDigest sha1;
  private final MessageDigest sha256;
  private long length;

  public DualDigest() {
    try {
      sha1 = MessageDigest.getInstance("SHA-1");
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-1 or SHA-256", e);
    }
  }

  public void update(byte[] bytes, int offset, int count) {
    sha1.update(bytes, offset, count);
    sha256.update(bytes, offset, count);
    length += count;
  }

  public void update(ByteBuffer buffer) {
    int count = buffer.remaining();
    ByteBuffer copy = buffer.duplicate();
    sha1.update(buffer);
    sha256.update(copy);
    length += count;
  }

  /** Bytes seen so far. */
  public long length() {
    return length;
  }

  /** Finishes both digests and resets this one for reuse. */
  public Hashes finish() {
    length = 0;
    return new Hashes(ObjectId.fromRaw(sha1.digest()), Sha256.fromRaw(sha256.digest()));
  }
}
