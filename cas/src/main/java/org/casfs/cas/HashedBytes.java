package org.casfs.cas;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;

/**
 * Bytes with their SHA-1 and SHA-256, computed here from exactly these bytes: an object a store
 * can take without hashing it again ({@code ObjectInserter.insert(ObjectType, HashedBytes)}). Only
 * this class makes the pair, so the hashes are the bytes' own. The array is taken over, not
 * copied: whoever hands it in must not change it afterwards.
 */
public final class HashedBytes {
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
