package org.casfs.cas;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Bytes with their SHA-1 and SHA-256, computed here from exactly these bytes: an object a store
 * can take without hashing it again ({@code ObjectInserter.insert(ObjectType, HashedBytes)}). Only
 * this class makes the pair, so the hashes are the bytes' own. The array is taken over, not
 * copied: whoever hands it in must not change it afterwards.
 */
public final class HashedBytes {
  private static final ThreadLocal<MessageDigest> SHA1 = ThreadLocal.withInitial(DualDigest::newSha1);
  private final byte[] bytes;
  private final Hashes hashes;

  private HashedBytes(byte[] bytes, Hashes hashes) {
    this.bytes = bytes;
    this.hashes = hashes;
  }

  /** Hashes {@code bytes} (taken over). */
  public static HashedBytes of(byte[] bytes) {
    return new HashedBytes(bytes, Hashes.of(bytes));
  }

  /**
   * Hashes {@code buf[0, length)} where it lies, for a caller that reuses its buffer and stores
   * only some of what it hashes: {@link Prefix#copy} makes the object of those bytes when it must
   * be stored. {@code buf} must not change until then.
   */
  public static Prefix hashPrefix(byte[] buf, int length) {
    return new Prefix(buf, length, Hashes.of(buf, 0, length));
  }

  /**
   * Hashes {@code buf[0, length)} with SHA-256 alone, where it lies: enough to find the bytes in a
   * store that holds them already (by their SHA-256, which names them as surely as the pair does),
   * at half the cost of both digests. {@link Sha256First#withSha1} completes the pair when the
   * store lacks them. {@code buf} must not change until then.
   */
  public static Sha256First sha256First(byte[] buf, int length) {
    return new Sha256First(buf, length, Sha256.of(buf, 0, length));
  }

  /** The SHA-256 of the first bytes of a buffer, their SHA-1 still to come ({@link #sha256First}). */
  public static final class Sha256First {
    private final byte[] buf;
    private final int length;
    private final Sha256 sha256;

    private Sha256First(byte[] buf, int length, Sha256 sha256) {
      this.buf = buf;
      this.length = length;
      this.sha256 = sha256;
    }

    public Sha256 sha256() {
      return sha256;
    }

    /** Hashes the same bytes with SHA-1: both hashes, as {@link #hashPrefix} gives them. */
    public Prefix withSha1() {
      MessageDigest sha1 = SHA1.get();
      sha1.update(buf, 0, length); // digest() below also resets it for the thread's next use
      return new Prefix(buf, length, new Hashes(ObjectId.fromRaw(sha1.digest()), sha256));
    }
  }

  /** The hashes of the first bytes of a buffer ({@link #hashPrefix}). */
  public static final class Prefix {
    private final byte[] buf;
    private final int length;
    private final Hashes hashes;

    private Prefix(byte[] buf, int length, Hashes hashes) {
      this.buf = buf;
      this.length = length;
      this.hashes = hashes;
    }

    public Hashes hashes() {
      return hashes;
    }

    /** The bytes, copied out of the buffer, with their hashes. */
    public HashedBytes copy() {
      return new HashedBytes(Arrays.copyOf(buf, length), hashes);
    }
  }

  /** The bytes; not to be changed. */
  public byte[] bytes() {
    return bytes;
  }

  public Hashes hashes() {
    return hashes;
  }

  public int size() {
    return bytes.length;
  }

  /** The bytes as a stream that still carries their hashes ({@link Stream#hashed()}). */
  public Stream stream() {
    return new Stream(this);
  }

  /** A stream of hashed bytes: a reader that knows what it holds may store them without hashing. */
  public static final class Stream extends ByteArrayInputStream {
    private final HashedBytes hashed;

    private Stream(HashedBytes hashed) {
      super(hashed.bytes);
      this.hashed = hashed;
    }

    public HashedBytes hashed() {
      return hashed;
    }
  }

  /** Collects what is written and hashes it on the way: one pass for both. Not thread-safe. */
  public static final class Collector extends OutputStream {
    private final ByteArrayOutputStream buffer;
    private final DualDigest digest = new DualDigest();

    public Collector(int expectedSize) {
      this.buffer = new ByteArrayOutputStream(Math.max(32, expectedSize));
    }

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      digest.update(b, off, len);
      buffer.write(b, off, len);
    }

    /** The bytes written so far and their hashes; the collector starts over. */
    public HashedBytes finish() {
      HashedBytes h = new HashedBytes(buffer.toByteArray(), digest.finish());
      buffer.reset();
      return h;
    }
  }
}
