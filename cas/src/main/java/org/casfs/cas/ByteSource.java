package org.casfs.cas;

/**
 * A strict reader of our encodings: every read is bounds-checked, varints must be minimal, and
 * every failure is a {@link CorruptObjectException} naming the object and the offset.
 */
final class ByteSource {
  private final ObjectId id;
  private final String kind;
  private final byte[] buf;
  private int pos;

  ByteSource(ObjectId id, String kind, byte[] buf) {
    this.id = id;
    this.kind = kind;
    this.buf = buf;
  }

  CorruptObjectException error(String what) {
    return new CorruptObjectException(id, kind + " does not decode: " + what + " at byte " + pos);
  }

  int u8() throws CorruptObjectException {
    if (pos >= buf.length) {
      throw error("truncated");
    }
    return buf[pos++] & 0xff;
  }

  long varint() throws CorruptObjectException {
    long v = unsignedVarint();
    if (v < 0) {
      throw error("varint overflows 63 bits");
    }
    return v;
  }

  /** A varint of up to 64 bits, the top one landing in the sign bit. */
  private long unsignedVarint() throws CorruptObjectException {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = u8();
      if (shift == 63 && (b & 0xfe) != 0) {
        throw error("varint overflows 64 bits");
      }
      v |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        if (b == 0 && shift > 0) {
          throw error("varint not in shortest form");
        }
        return v;
      }
    }
    throw error("varint too long");
  }

  /** A varint that must lie in {@code [min, max]}. */
  long varint(String what, long min, long max) throws CorruptObjectException {
    long v = varint();
    if (v < min || v > max) {
      throw error(what + " " + v + " outside " + min + ".." + max);
    }
    return v;
  }

  long zigzag() throws CorruptObjectException {
    long v = unsignedVarint();
    return (v >>> 1) ^ -(v & 1);
  }

  byte[] bytes(int n) throws CorruptObjectException {
    if (n < 0 || n > buf.length - pos) {
      throw error("truncated (wanted " + n + " bytes)");
    }
    byte[] out = new byte[n];
    System.arraycopy(buf, pos, out, 0, n);
    pos += n;
    return out;
  }

  byte[] lengthPrefixed(String what, int max) throws CorruptObjectException {
    return bytes((int) varint(what + " length", 0, max));
  }

  Hashes hashes() throws CorruptObjectException {
    if (buf.length - pos < ObjectId.LENGTH + Sha256.LENGTH) {
      throw error("truncated object reference");
    }
    ObjectId sha1 = ObjectId.fromRaw(buf, pos);
    Sha256 sha256 = Sha256.fromRaw(buf, pos + ObjectId.LENGTH);
    pos += ObjectId.LENGTH + Sha256.LENGTH;
    return new Hashes(sha1, sha256);
  }

  void expectEnd() throws CorruptObjectException {
    if (pos != buf.length) {
      throw error((buf.length - pos) + " trailing bytes");
    }
  }
}
