package org.casfs.cas;

import java.util.HexFormat;

/**
 * The name of an object: the SHA-1 of its bytes. Immutable and comparable by unsigned bytes,
 * which is also the order of {@link #name()}, so sorted id streams can be merged.
 */
public final class ObjectId implements Comparable<ObjectId> {
  public static final int LENGTH = 20;
  private static final HexFormat HEX = HexFormat.of();

  // The 20 bytes as fields, big-endian: 32 bytes an id instead of 64 with an array (an import,
  // a gc or a pull holds one per object), and equals and compareTo without loops.
  private final long high;
  private final long middle;
  private final int low;

  private ObjectId(byte[] bytes, int offset) {
    this.high = BigEndian.get(bytes, offset, 8);
    this.middle = BigEndian.get(bytes, offset + 8, 8);
    this.low = (int) BigEndian.get(bytes, offset + 16, 4);
  }

  /** Copies {@code LENGTH} bytes from {@code bytes} at {@code offset}. */
  public static ObjectId fromRaw(byte[] bytes, int offset) {
    if (offset < 0 || bytes.length - offset < LENGTH) {
      throw new IllegalArgumentException("an object id needs 20 bytes, got " + (bytes.length - offset));
    }
    return new ObjectId(bytes, offset);
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
    return new ObjectId(HEX.parseHex(hex), 0);
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
    byte[] raw = new byte[LENGTH];
    copyTo(raw, 0);
    return raw;
  }

  public void copyTo(byte[] dst, int offset) {
    if (offset < 0 || dst.length - offset < LENGTH) {
      throw new IndexOutOfBoundsException("20 bytes do not fit at " + offset + " of " + dst.length);
    }
    BigEndian.put(dst, offset, 8, high);
    BigEndian.put(dst, offset + 8, 8, middle);
    BigEndian.put(dst, offset + 16, 4, low);
  }

  /** 40 lowercase hex digits. */
  public String name() {
    return HEX.formatHex(toRaw());
  }

  /** A stable 64-bit number derived from the id (for inode numbers and hash tables). */
  public long longPrefix() {
    return high;
  }

  @Override
  public int compareTo(ObjectId o) {
    int c = Long.compareUnsigned(high, o.high);
    if (c == 0) {
      c = Long.compareUnsigned(middle, o.middle);
    }
    return c != 0 ? c : Integer.compareUnsigned(low, o.low);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ObjectId other && high == other.high && middle == other.middle && low == other.low;
  }

  /** The first four bytes, big-endian: SHA-1 bits are uniform. */
  @Override
  public int hashCode() {
    return (int) (high >>> 32);
  }

  @Override
  public String toString() {
    return name();
  }
}
