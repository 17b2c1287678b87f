package org.casfs.cas;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;

/** A SHA-256 value, carried beside every SHA-1 name so that a signature binds every byte. */
public final class Sha256 {
  public static final int LENGTH = 32;
  private static final HexFormat HEX = HexFormat.of();

  private final byte[] raw;

  private Sha256(byte[] raw) {
    this.raw = raw;
  }

  public static Sha256 fromRaw(byte[] bytes, int offset) {
    if (offset < 0 || bytes.length - offset < LENGTH) {
      throw new IllegalArgumentException("a SHA-256 needs 32 bytes, got " + (bytes.length - offset));
    }
    return new Sha256(Arrays.copyOfRange(bytes, offset, offset + LENGTH));
  }

  public static Sha256 fromRaw(byte[] bytes) {
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException("a SHA-256 is 32 bytes, got " + bytes.length);
    }
    return fromRaw(bytes, 0);
  }

  /** The SHA-256 of {@code bytes[offset, offset + length)}. */
  public static Sha256 of(byte[] bytes, int offset, int length) {
    MessageDigest d = DualDigest.newSha256();
    d.update(bytes, offset, length);
    return new Sha256(d.digest());
  }

  public static Sha256 fromString(String hex) {
    if (hex == null || hex.length() != 2 * LENGTH || !hex.equals(hex.toLowerCase(java.util.Locale.ROOT))) {
      throw new IllegalArgumentException("not a SHA-256 (64 lowercase hex digits): " + hex);
    }
    return new Sha256(HEX.parseHex(hex));
  }

  public byte[] toRaw() {
    return raw.clone();
  }

  public void copyTo(byte[] dst, int offset) {
    System.arraycopy(raw, 0, dst, offset, LENGTH);
  }

  public String name() {
    return HEX.formatHex(raw);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Sha256 other && Arrays.equals(raw, other.raw);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(raw);
  }

  @Override
  public String toString() {
    return name();
  }
}
