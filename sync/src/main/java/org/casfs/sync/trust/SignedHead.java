package org.casfs.sync.trust;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A head with its detached signatures, as served at {@code GET /v1/head} and kept in a mirror:
 *
 * <pre>
 * casfs-head 1\n
 * BASE64(head bytes)\n
 * ed25519 KEYID BASE64-SIGNATURE\n    (one or more)
 * </pre>
 *
 * Parsing checks only the form; {@link HeadVerifier} decides whether to believe it. The head bytes
 * are kept exactly as received so the signature is checked over what was signed.
 */
public final class SignedHead {
  public static final int MAX_BYTES = 8192;
  private static final String FIRST_LINE = "casfs-head 1";

  private final byte[] headBytes;
  private final List<Signature> signatures;

  public SignedHead(byte[] headBytes, List<Signature> signatures) {
    this.headBytes = headBytes.clone();
    this.signatures = List.copyOf(signatures);
  }

  public static SignedHead sign(Head head, SigningKey key) {
    byte[] bytes = head.encode();
    return new SignedHead(bytes, List.of(key.sign(SignatureDomain.HEAD, bytes)));
  }

  public byte[] headBytes() {
    return headBytes.clone();
  }

  public List<Signature> signatures() {
    return signatures;
  }

  /** The head decoded, without any trust decision. */
  public Head headUnverified() throws SignatureException {
    return Head.decode(headBytes);
  }

  public byte[] encode() {
    String text = FIRST_LINE + "\n" + Base64.getEncoder().encodeToString(headBytes) + "\n"
        + Signatures.encode(signatures);
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  public static SignedHead parse(byte[] bytes) throws SignatureException {
    if (bytes.length > MAX_BYTES) {
      throw new SignatureException(SignatureException.Reason.MALFORMED, "head is over " + MAX_BYTES + " bytes");
    }
    String text = new String(bytes, StandardCharsets.US_ASCII);
    String[] lines = text.split("\n", -1);
    if (lines.length < 2 || !lines[0].equals(FIRST_LINE)) {
      throw new SignatureException(SignatureException.Reason.MALFORMED,
          "not a casfs head (first line should be '" + FIRST_LINE + "'); is the URL a casfs server or mirror?");
    }
    byte[] head;
    try {
      head = Base64.getDecoder().decode(lines[1]);
    } catch (IllegalArgumentException e) {
      throw new SignatureException(SignatureException.Reason.MALFORMED, "head is not valid base64");
    }
    List<String> rest = new ArrayList<>(List.of(lines).subList(2, lines.length));
    return new SignedHead(head, Signatures.decode("head", rest));
  }
}
