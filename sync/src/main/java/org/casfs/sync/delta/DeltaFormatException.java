package org.casfs.sync.delta;

import java.io.IOException;

/**
 * A delta's bytes are malformed: bad header, unknown engine, a body that refers outside the old
 * blob or produces the wrong length. Thrown inside this package; callers outside see
 * {@link CorruptDeltaException}, which names the delta.
 */
public class DeltaFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public DeltaFormatException(String message) {
    super(message);
  }

  public DeltaFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
