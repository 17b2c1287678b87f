package org.casfs.sync.trust;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import org.casfs.cas.Hashes;
import org.casfs.cas.Manifest;
import org.casfs.cas.ObjectId;
import org.casfs.cas.Sha256;

/**
 * The newest version a source offers on a channel, as the origin signed it (TUF's "timestamp"
 * and "snapshot" roles in one record): the channel, a sequence number strictly increasing per
 * channel, the manifest by SHA-1 and SHA-256, when it was issued, when it expires, and the id of
 * the key that signed it. Canonical encoding (what is signed):
 *
 * <pre>
 * "CASFSHED" u8 version(1)  u8 len  channel(ascii)  u64 sequence  sha1[20] sha256[32]
 * u64 issuedMillis  u64 expiresMillis  u8 len  keyId(ascii hex)
 * </pre>
 *
 * Fixed-width numbers and length-prefixed strings: one record has exactly one encoding.
 */
public record Head(String channel, long sequence, Hashes manifest, long issuedMillis, long expiresMillis,
    String keyId) {
  private static final byte[] MAGIC = "CASFSHED".getBytes(StandardCharsets.US_ASCII);
  public static final int VERSION = 1;

  public Head {
    Objects.requireNonNull(manifest, "manifest");
    if (!Manifest.validChannel(channel)) {
      throw new IllegalArgumentException("bad channel name: " + channel);
    }
    if (sequence < 0) {
      throw new IllegalArgumentException("sequence must not be negative");
    }
    if (expiresMillis <= issuedMillis) {
      throw new IllegalArgumentException("a head must expire after it was issued");
    }
    if (keyId == null || !keyId.matches("[0-9a-f]{16}")) {
      throw new IllegalArgumentException("a key id is 16 lowercase hex digits: " + keyId);
    }
  }

  public ObjectId manifestId() {
    return manifest.id();
  }

  /** True once half the time from issue to expiry has passed at {@code nowMillis}: time to renew it. */
  public boolean pastHalfValidity(long nowMillis) {
    return nowMillis >= issuedMillis + (expiresMillis - issuedMillis) / 2;
  }

  public byte[] encode() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(160);
    out.writeBytes(MAGIC);
    out.write(VERSION);
    byte[] ch = channel.getBytes(StandardCharsets.US_ASCII);
    out.write(ch.length);
    out.writeBytes(ch);
    out.writeBytes(ByteBuffer.allocate(8).putLong(sequence).array());
    out.writeBytes(manifest.id().toRaw());
    out.writeBytes(manifest.sha256().toRaw());
    out.writeBytes(ByteBuffer.allocate(16).putLong(issuedMillis).putLong(expiresMillis).array());
    byte[] k = keyId.getBytes(StandardCharsets.US_ASCII);
    out.write(k.length);
    out.writeBytes(k);
    return out.toByteArray();
  }

  /** Decodes exactly what {@link #encode} makes; anything else is a MALFORMED {@link SignatureException}. */
  public static Head decode(byte[] b) throws SignatureException {
    try {
      ByteBuffer in = ByteBuffer.wrap(b);
      byte[] magic = new byte[MAGIC.length];
      in.get(magic);
      if (!Arrays.equals(magic, MAGIC)) {
        throw malformed("not a casfs head (bad magic)");
      }
      int version = in.get() & 0xff;
      if (version != VERSION) {
        throw malformed("unknown head format version " + version);
      }
      byte[] ch = new byte[in.get() & 0xff];
      in.get(ch);
      long seq = in.getLong();
      byte[] id = new byte[ObjectId.LENGTH];
      in.get(id);
      byte[] sha = new byte[Sha256.LENGTH];
      in.get(sha);
      long issued = in.getLong();
      long expires = in.getLong();
      byte[] k = new byte[in.get() & 0xff];
      in.get(k);
      if (in.hasRemaining()) {
        throw malformed(in.remaining() + " trailing bytes");
      }
      Head h = new Head(new String(ch, StandardCharsets.US_ASCII), seq,
          new Hashes(ObjectId.fromRaw(id), Sha256.fromRaw(sha)), issued, expires,
          new String(k, StandardCharsets.US_ASCII));
      if (!Arrays.equals(h.encode(), b)) {
        throw malformed("not in canonical form");
      }
      return h;
    } catch (java.nio.BufferUnderflowException e) {
      throw malformed("truncated");
    } catch (IllegalArgumentException e) {
      throw malformed(e.getMessage());
    }
  }

  private static SignatureException malformed(String what) {
    return new SignatureException(SignatureException.Reason.MALFORMED, "head does not decode: " + what);
  }

  @Override
  public String toString() {
    return "head " + channel + "#" + sequence + " -> " + manifest.id();
  }
}
