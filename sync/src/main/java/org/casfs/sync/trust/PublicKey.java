package org.casfs.sync.trust;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * An Ed25519 public key. Its text form is one line, {@code ed25519:} followed by the base64 of
 * the 32 raw bytes; its key id is the first 8 bytes of the SHA-256 of those raw bytes, in hex.
 * Immutable.
 */
public final class PublicKey {
  public static final int LENGTH = 32;
  public static final String PREFIX = "ed25519:";

  private final byte[] raw;
  private final String keyId;

  private PublicKey(byte[] raw) {
    this.raw = raw;
    this.keyId = keyIdOf(raw);
  }

  public static PublicKey fromRaw(byte[] raw) {
    if (raw.length != LENGTH) {
      throw new IllegalArgumentException("an Ed25519 public key is 32 bytes, got " + raw.length);
    }
    return new PublicKey(raw.clone());
  }

  /** Parses {@code ed25519:BASE64}; anything else is an {@link IllegalArgumentException} saying so. */
  public static PublicKey parse(String text) {
    String t = text.strip();
    if (!t.startsWith(PREFIX)) {
      throw new IllegalArgumentException("a public key is one line 'ed25519:' + base64 (as 'casfs keygen' prints), got: "
          + abbreviate(t));
    }
    byte[] raw;
    try {
      raw = Base64.getDecoder().decode(t.substring(PREFIX.length()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("public key is not valid base64: " + abbreviate(t));
    }
    return fromRaw(raw);
  }

  private static String abbreviate(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "..." : s;
  }

  static String keyIdOf(byte[] raw) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(raw);
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public byte[] raw() {
    return raw.clone();
  }

  /** 16 lowercase hex digits naming this key. */
  public String keyId() {
    return keyId;
  }

  public String text() {
    return PREFIX + Base64.getEncoder().encodeToString(raw);
  }

  byte[] textBytes() {
    return (text() + "\n").getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PublicKey k && Arrays.equals(raw, k.raw);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(raw);
  }

  @Override
  public String toString() {
    return text();
  }
}
