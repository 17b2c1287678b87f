package org.casfs.cas;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-1 and SHA-256 over one stream of bytes, with the JDK's digests (which use the CPU's SHA
 * instructions; Bouncy Castle's are about 8x slower here). Not thread-safe; one per stream.
 */
public final class DualDigest {
  /**
   * Fresh digests, never updated, that each new one is cloned from: {@code getInstance} looks the
   * algorithm up through the security providers at every call (upper-casing names, walking
   * services), which for one digest pair per object cost more CPU, and more JIT compiling, than
   * hashing a small object does. Cloning a fresh JDK digest copies its initial state.
   */
  private static final MessageDigest SHA1 = newDigest("SHA-1");
  private static final MessageDigest SHA256 = newDigest("SHA-256");

  private final MessageDigest sha1;
  private final MessageDigest sha256;
  private long length;

  public DualDigest() {
    sha1 = copyOf(SHA1);
    sha256 = copyOf(SHA256);
  }

  /** A fresh SHA-1 digest, for a caller that needs that one alone. */
  public static MessageDigest newSha1() {
    return copyOf(SHA1);
  }

  /** A fresh SHA-256 digest, for a caller that needs that one alone. */
  public static MessageDigest newSha256() {
    return copyOf(SHA256);
  }

  private static MessageDigest newDigest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks " + algorithm, e);
    }
  }

  private static MessageDigest copyOf(MessageDigest fresh) {
    try {
      return (MessageDigest) fresh.clone();
    } catch (CloneNotSupportedException e) {
      return newDigest(fresh.getAlgorithm()); // another provider's digest that cannot be cloned
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
