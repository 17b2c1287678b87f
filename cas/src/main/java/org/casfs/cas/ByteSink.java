package org.casfs.cas;

import java.util.Arrays;

/** A growable byte buffer with the canonical primitives of our encodings. Not thread-safe. */
final class ByteSink {
  private byte[] buf;
  private int len;

  ByteSink(int initial) {
    buf = new byte[Math.max(16, initial)];
  }

  private void ensure(int extra) {
    if (len + extra > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
    }
  }

  void u8(int v) {
    ensure(1);
    buf[len++] = (byte) v;
  }

  /** Unsigned LEB128; the shortest form, the only one decoders accept. */
  void varint(long v) {
    if (v < 0) {
      throw new IllegalArgumentException("varint must not be negative: " + v);
    }
    ensure(10);
    while ((v & ~0x7fL) != 0) {
      buf[len++] = (byte) ((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    buf[len++] = (byte) v;
  }

  /**
   * A signed value, zigzag-encoded. The zigzag form of a value beyond +-2^62 has its top bit set,
   * so it is written as an unsigned 64-bit varint (up to 10 bytes).
   */
  void zigzag(long v) {
    unsignedVarint((v << 1) ^ (v >> 63));
  }

  private void unsignedVarint(long v) {
    ensure(10);
    while ((v & ~0x7fL) != 0) {
      buf[len++] = (byte) ((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    buf[len++] = (byte) v;
  }

  void bytes(byte[] b) {
    ensure(b.length);
    System.arraycopy(b, 0, buf, len, b.length);
    len += b.length;
  }

  void lengthPrefixed(byte[] b) {
    varint(b.length);
    bytes(b);
  }

  void hashes(Hashes h) {
    ensure(ObjectId.LENGTH + Sha256.LENGTH);
    h.id().copyTo(buf, len);
    len += ObjectId.LENGTH;
    h.sha256().copyTo(buf, len);
    len += Sha256.LENGTH;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, len);
  }
}
