package org.casfs.cas;

import java.io.IOException;
import java.io.InputStream;

/**
 * {@link InputStream#read()} for streams whose work is done in {@code read(byte[], int, int)} (a
 * size bound, a hash, a check at the end): the single byte goes through that bulk read, so the
 * one-byte path cannot skip what the bulk path enforces.
 */
public final class OneByteRead {
  private OneByteRead() {}

  /** Reads one byte of {@code in} through its bulk read: the byte as 0 to 255, or -1 at the end. */
  public static int through(InputStream in) throws IOException {
    byte[] one = new byte[1];
    return in.read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }
}
