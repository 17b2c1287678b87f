package org.casfs.cas.store;

import java.io.IOException;

/** The repository is open in another process (a mount, a daemon or another command). */
public final class RepositoryLockedException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String holder;

  public RepositoryLockedException(String message) {
    this(message, "another process");
  }

  /** {@code holder}: the process that holds it, as {@code 4711 (casfs import /srv/image)}. */
  public RepositoryLockedException(String message, String holder) {
    super(message);
    this.holder = holder;
  }

  /** The process that holds the repository, as a user would know it. */
  public String holder() {
    return holder;
  }
}
