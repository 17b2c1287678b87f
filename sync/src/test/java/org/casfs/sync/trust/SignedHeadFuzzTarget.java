package org.casfs.sync.trust;

/**
 * Fuzz target for what a client reads first from any source, before it trusts anything: the signed
 * head (the first byte picks the whole signed head, the head alone, or a signature block). Each
 * parser may only return or throw a {@link SignatureException}; a head that decodes must encode
 * to exactly its bytes (what the signatures cover is what was decoded).
 */
public final class SignedHeadFuzzTarget {
  private SignedHeadFuzzTarget() {}

  public static void fuzzerTestOneInput(byte[] input) {
    if (input.length == 0) {
      return;
    }
    byte[] rest = java.util.Arrays.copyOfRange(input, 1, input.length);
    try {
      switch ((input[0] & 0xff) % 3) {
        case 0 -> SignedHead.parse(rest).headUnverified();
        case 1 -> {
          if (!java.util.Arrays.equals(Head.decode(rest).encode(), rest)) {
            throw new AssertionError("a head decoded from bytes it does not encode to");
          }
        }
        default -> Signatures.decode("fuzzed", rest);
      }
    } catch (SignatureException e) {
      // rejected, as it should be
    }
  }
}
