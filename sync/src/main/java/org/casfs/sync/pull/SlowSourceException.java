package org.casfs.sync.pull;

import java.io.IOException;

/** A source sent bytes too slowly (slow-retrieval attack or a dying link) and was given up on. */
public final class SlowSourceException extends IOException {
  private static final long serialVersionUID = 1L;

  public SlowSourceException(String message) {
    super(message);
  }
}
