package org.casfs.cas.store;

import java.io.IOException;

/** A call on a repository after it was closed (a worker that outlived its command, a daemon stopping). */
public final class RepositoryClosedException extends IOException {
  private static final long serialVersionUID = 1L;

  RepositoryClosedException(String message) {
    super(message);
  }
}
