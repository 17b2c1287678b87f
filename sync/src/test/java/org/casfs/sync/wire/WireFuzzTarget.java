package org.casfs.sync.wire;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import org.casfs.sync.delta.DeltaFormatException;
import org.casfs.sync.delta.DeltaHeader;

/**
 * Fuzz target for the wire formats a peer or server reads from the other side: the first byte
 * picks a fetch request (what a server reads from any client), a fetch stream split into frames
 * (what a client reads from any server), or a delta header. Each may only return or throw an
 * {@link IOException}; a request that parses must survive a round trip, and a delta header must
 * encode to the bytes it came from.
 */
public final class WireFuzzTarget {
  private WireFuzzTarget() {}

  public static void fuzzerTestOneInput(byte[] input) {
    if (input.length == 0) {
      return;
    }
    byte[] rest = Arrays.copyOfRange(input, 1, input.length);
    try {
      switch ((input[0] & 0xff) % 3) {
        case 0 -> {
          FetchRequest r = FetchRequest.parse(rest);
          if (!FetchRequest.parse(r.encode()).equals(r)) {
            throw new AssertionError("a fetch request that does not survive encode and parse: " + r);
          }
        }
        case 1 -> readFrames(rest);
        default -> {
          DeltaHeader h = DeltaHeader.decode(rest);
          if (!Arrays.equals(h.encode(), 0, DeltaHeader.LENGTH, rest, 0, DeltaHeader.LENGTH)) {
            throw new AssertionError("a delta header decoded from bytes it does not encode to: " + h);
          }
        }
      }
    } catch (WireException | DeltaFormatException | java.io.EOFException e) {
      // rejected, as it should be
    } catch (IOException e) {
      throw new AssertionError("an I/O failure reading bytes in memory", e);
    }
  }

  private static void readFrames(byte[] stream) throws IOException {
    FrameReader frames = new FrameReader(new ByteArrayInputStream(stream));
    for (FrameHeader h; (h = frames.next()) != null; ) {
      if (h.size() < 0) {
        throw new AssertionError("a frame of negative size: " + h);
      }
      frames.skipPayload();
    }
  }
}
