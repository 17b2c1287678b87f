package org.casfs.sync.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz target for the HTTP Range header a server reads from any client. Input: the object's
 * length (8 bytes, made non-negative), then the header's text. A range the parser accepts must lie
 * inside the object and be non-empty; it may never throw.
 */
public final class ByteRangeFuzzTarget {
  private ByteRangeFuzzTarget() {}

  public static void fuzzerTestOneInput(byte[] input) {
    if (input.length < 8) {
      return;
    }
    long length = ByteBuffer.wrap(input).getLong() & Long.MAX_VALUE;
    String header = new String(input, 8, input.length - 8, StandardCharsets.ISO_8859_1);
    if (ByteRange.parse(header, length) instanceof ByteRange.Partial p) {
      ByteRange r = p.range();
      if (r.start() < 0 || r.endInclusive() < r.start() || r.endInclusive() >= length) {
        throw new AssertionError("range " + r + " outside an object of " + length + " bytes, from '" + header + "'");
      }
    }
  }
}
