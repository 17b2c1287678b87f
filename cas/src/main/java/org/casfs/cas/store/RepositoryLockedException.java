package org.casfs.cas.store;

import java.io.IOException;

/** The repository is open in another process (a mount, a daemon or another command). */
public final class RepositoryLockedException extends IOException {
  private static final long serialVersionUID = 1L;

  public RepositoryLockedException(String message) {
    super(message);
  }
}
