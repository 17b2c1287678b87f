package org.casfs.cas.store;

import java.io.IOException;

/** The repository's disk has no room for what even opening its database writes. */
public final class NoRoomToOpenException extends IOException {
  private static final long serialVersionUID = 1L;

  NoRoomToOpenException(String message, Throwable cause) {
    super(message, cause);
  }
}
