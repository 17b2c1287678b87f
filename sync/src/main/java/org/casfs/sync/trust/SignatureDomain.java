package org.casfs.sync.trust;

import java.nio.charset.StandardCharsets;

/**
 * What a signature is about. The domain's prefix is signed before the message, so a signature
 * over a manifest can never be replayed as a signature over a head or the other way round.
 */
public enum SignatureDomain {
  MANIFEST("casfs-manifest-v1\n"),
  HEAD("casfs-head-v1\n");

  private final String prefix;

  SignatureDomain(String prefix) {
    this.prefix = prefix;
  }

  byte[] prefix() {
    return prefix.getBytes(StandardCharsets.US_ASCII);
  }
}
