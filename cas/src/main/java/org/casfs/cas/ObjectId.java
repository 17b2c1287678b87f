package org.casfs.cas;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * The name of an object: the SHA-1 of its bytes. Immutable and comparable by unsigned bytes,
 * which is also the order of {@link #name()}, so sorted id streams can be merged.
 */
public final class ObjectId implements Comparable<ObjectId> {
  public static final int LENGTH = 20;
  private static final HexFormat HEX = HexFormat.of();

  private final byte[] raw;
  private final int hash;

  private ObjectId(byte[] raw) {
    this.raw = raw;
    this.hash = (raw[0] & 0xff) << 24 | (raw[1] & 0xff) << 16 | (raw[2] & 0xff) << 8 | (raw[3] & 0xff);
  }

  /** Copies {@code LENGTH} bytes from {@code bytes} at {@code offset}. */
  public static ObjectId fromRaw(byte[] bytes, int offset) {
    if (offset < 0 || bytes.length - offset < LENGTH) {
      throw new IllegalArgumentException("an object id needs 20 bytes, got " + (bytes.length - offset));
    }
    return new ObjectId(Arrays.copyOfRange(bytes, offset, offset + LENGTH));
  }

  public static ObjectId fromRaw(byte[] bytes) {
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException("an object id is 20 bytes, got " + bytes.length);
    }
    return fromRaw(bytes, 0);
  }

  /** Parses 40 lowercase hex digits; anything else is an {@link IllegalArgumentException}. */
  public static ObjectId fromString(String hex) {
    if (!isValid(hex)) {
      throw new IllegalArgumentException("not an object id (40 lowercase hex digits): " + hex);
    }
    return new ObjectId(HEX.parseHex(hex));
  }

  public static boolean isValid(String hex) {
    if (hex == null || hex.length() != 2 * LENGTH) {
      return false;
    }
    for (int i = 0; i < hex.length(); i++) {
      char c = hex.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }

  /** A copy of the 20 raw bytes. */
  public byte[] toRaw() {
    return raw.clone();
  }

  public void copyTo(byte[] dst, int offset) {
    System.arraycopy(raw, 0, dst, offset, LENGTH);
  }

  /** 40 lowercase hex digits. */
  public String name() {
    return HEX.formatHex(raw);
  }

  /** A stable 64-bit number derived from the id (for inode numbers and hash tables). */
  public long longPrefix() {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = v << 8 | (raw[i] & 0xff);
    }
    return v;
  }

  @Override
  public int compareTo(ObjectId o) {
    return Arrays.compareUnsigned(raw, o.raw);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ObjectId other && Arrays.equals(raw, other.raw);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return name();
  }
}
