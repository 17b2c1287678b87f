package org.casfs.sync.trust;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A list of detached signatures, as kept in {@code .sig} files and after a head:
 *
 * <pre>
 * ed25519 KEYID BASE64-SIGNATURE\n      (one line per signature, at most 16)
 * </pre>
 *
 * Parsing is strict and bounded: any other line is a {@link SignatureException}.
 */
public final class Signatures {
  public static final int MAX_SIGNATURES = 16;
  public static final int MAX_BYTES = 4096;

  private Signatures() {}

  public static String encode(List<Signature> sigs) {
    StringBuilder sb = new StringBuilder();
    for (Signature s : sigs) {
      sb.append("ed25519 ").append(s.keyId()).append(' ')
          .append(Base64.getEncoder().encodeToString(s.bytes())).append('\n');
    }
    return sb.toString();
  }

  public static byte[] encodeBytes(List<Signature> sigs) {
    return encode(sigs).getBytes(StandardCharsets.US_ASCII);
  }

  /** Parses signature lines; {@code what} names the thing signed, for messages. */
  public static List<Signature> decode(String what, List<String> lines) throws SignatureException {
    List<Signature> out = new ArrayList<>();
    for (String line : lines) {
      if (line.isEmpty()) {
        continue;
      }
      String[] parts = line.split(" ", -1);
      if (parts.length != 3 || !parts[0].equals("ed25519")) {
        throw new SignatureException(SignatureException.Reason.MALFORMED,
            what + ": signature line is not 'ed25519 KEYID BASE64': " + abbreviate(line));
      }
      try {
        out.add(new Signature(parts[1], Base64.getDecoder().decode(parts[2])));
      } catch (IllegalArgumentException e) {
        throw new SignatureException(SignatureException.Reason.MALFORMED, what + ": bad signature line: " + e.getMessage());
      }
      if (out.size() > MAX_SIGNATURES) {
        throw new SignatureException(SignatureException.Reason.MALFORMED, what + ": more than " + MAX_SIGNATURES + " signatures");
      }
    }
    return out;
  }

  public static List<Signature> decode(String what, byte[] bytes) throws SignatureException {
    if (bytes.length > MAX_BYTES) {
      throw new SignatureException(SignatureException.Reason.MALFORMED, what + ": signature file over " + MAX_BYTES + " bytes");
    }
    String text = new String(bytes, StandardCharsets.US_ASCII);
    return decode(what, List.of(text.split("\n", -1)));
  }

  private static String abbreviate(String s) {
    return s.length() > 60 ? s.substring(0, 60) + "..." : s;
  }
}
