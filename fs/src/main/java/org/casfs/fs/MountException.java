package org.casfs.fs;

import java.io.IOException;

/** A mount that cannot be made or removed; the message is one line saying what and what to do. */
public final class MountException extends IOException {
  private static final long serialVersionUID = 1L;

  public MountException(String message) {
    super(message);
  }
}
