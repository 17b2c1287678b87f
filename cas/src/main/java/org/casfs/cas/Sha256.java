package org.casfs.cas;

import java.security.MessageDigest;
import java.util.HexFormat;

/** A SHA-256 value, carried beside every SHA-1 name so that a signature binds every byte. */
public final class Sha256 {
  public static final int LENGTH = 32;
  private static final HexFormat HEX = HexFormat.of();
  /** One digest per thread: cloning a fresh one for each file was 2% of an import's CPU. */
  private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(DualDigest::newSha256);

  // The 32 bytes as four big-endian fields: 48 bytes a value instead of 64 with an array.
  private final long a;
  private final long b;
  private final long c;
  private final long d;

  private Sha256(byte[] bytes, int offset) {
    this.a = BigEndian.get(bytes, offset, 8);
    this.b = BigEndian.get(bytes, offset + 8, 8);
    this.c = BigEndian.get(bytes, offset + 16, 8);
    this.d = BigEndian.get(bytes, offset + 24, 8);
  }

  public static Sha256 fromRaw(byte[] bytes, int offset) {
    if (offset < 0 || bytes.length - offset < LENGTH) {
      throw new IllegalArgumentException("a SHA-256 needs 32 bytes, got " + (bytes.length - offset));
    }
    return new Sha256(bytes, offset);
  }

  public static Sha256 fromRaw(byte[] bytes) {
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException("a SHA-256 is 32 bytes, got " + bytes.length);
    }
    return fromRaw(bytes, 0);
  }

  /** The SHA-256 of {@code bytes[offset, offset + length)}. */
  public static Sha256 of(byte[] bytes, int offset, int length) {
    MessageDigest digest = DIGEST.get();
    digest.update(bytes, offset, length);
    return new Sha256(digest.digest(), 0); // digest() also resets it for the thread's next use
  }

  public static Sha256 fromString(String hex) {
    if (hex == null || hex.length() != 2 * LENGTH || !hex.equals(hex.toLowerCase(java.util.Locale.ROOT))) {
      throw new IllegalArgumentException("not a SHA-256 (64 lowercase hex digits): " + hex);
    }
    return new Sha256(HEX.parseHex(hex), 0);
  }

  public byte[] toRaw() {
    byte[] raw = new byte[LENGTH];
    copyTo(raw, 0);
    return raw;
  }

  public void copyTo(byte[] dst, int offset) {
    if (offset < 0 || dst.length - offset < LENGTH) {
      throw new IndexOutOfBoundsException("32 bytes do not fit at " + offset + " of " + dst.length);
    }
    BigEndian.put(dst, offset, 8, a);
    BigEndian.put(dst, offset + 8, 8, b);
    BigEndian.put(dst, offset + 16, 8, c);
    BigEndian.put(dst, offset + 24, 8, d);
  }

  public String name() {
    return HEX.formatHex(toRaw());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Sha256 other && a == other.a && b == other.b && c == other.c && d == other.d;
  }

  /** The first four bytes, big-endian: SHA-256 bits are uniform. */
  @Override
  public int hashCode() {
    return (int) (a >>> 32);
  }

  @Override
  public String toString() {
    return name();
  }
}
