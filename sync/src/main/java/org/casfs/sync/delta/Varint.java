package org.casfs.sync.delta;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Unsigned LEB128 numbers, bounded on read so hostile input cannot overflow them. */
final class Varint {
  private Varint() {}

  static void write(OutputStream out, long value) throws IOException {
    if (value < 0) {
      throw new IllegalArgumentException("negative varint " + value);
    }
    while (value >= 0x80) {
      out.write((int) (value & 0x7f) | 0x80);
      value >>>= 7;
    }
    out.write((int) value);
  }

  /** Reads a number that must be at most {@code max}; anything else is a {@link DeltaFormatException}. */
  static long read(InputStream in, long max, String what) throws IOException {
    long value = 0;
    for (int shift = 0; shift < 63; shift += 7) {
      int b = in.read();
      if (b < 0) {
        throw new DeltaFormatException("delta ends inside " + what);
      }
      value |= (long) (b & 0x7f) << shift;
      if (value > max) {
        throw new DeltaFormatException(what + " is over " + max);
      }
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new DeltaFormatException(what + " is not a valid number");
  }
}
