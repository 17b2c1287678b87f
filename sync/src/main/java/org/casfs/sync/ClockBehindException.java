package org.casfs.sync;

import java.io.IOException;

/**
 * This machine's clock is earlier than when the head it offers was signed: it was set back (a
 * dead clock battery, no time server without the internet). A head signed now would carry that
 * wrong time and expire too soon (or in the past) for every machine whose clock is right, so it is
 * not signed.
 */
public final class ClockBehindException extends IOException {
  private static final long serialVersionUID = 1L;

  ClockBehindException(String message) {
    super(message);
  }
}
