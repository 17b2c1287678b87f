package org.casfs.sync.trust;

import java.util.Arrays;
import java.util.HexFormat;

/** One detached Ed25519 signature: the signing key's id and the 64 signature bytes. */
public record Signature(String keyId, byte[] bytes) {
  public static final int LENGTH = 64;

  public Signature {
    if (keyId == null || keyId.length() != 16 || !HexFormat.isHexDigit(keyId.charAt(0))
        || !keyId.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
      throw new IllegalArgumentException("a key id is 16 lowercase hex digits: " + keyId);
    }
    if (bytes == null || bytes.length != LENGTH) {
      throw new IllegalArgumentException("an Ed25519 signature is 64 bytes");
    }
    bytes = bytes.clone();
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Signature s && keyId.equals(s.keyId) && Arrays.equals(bytes, s.bytes);
  }

  @Override
  public int hashCode() {
    return keyId.hashCode() * 31 + Arrays.hashCode(bytes);
  }
}
