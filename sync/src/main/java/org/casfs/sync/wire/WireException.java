package org.casfs.sync.wire;

import java.io.IOException;

/** A source broke the protocol (bad framing, bad request, a response that is not ours). */
public final class WireException extends IOException {
  private static final long serialVersionUID = 1L;

  public WireException(String message) {
    super(message);
  }
}
