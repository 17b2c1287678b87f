package org.casfs.cas.store;

import java.io.IOException;

/** {@code init} on a directory that already is a repository. */
public final class RepositoryExistsException extends IOException {
  private static final long serialVersionUID = 1L;

  public RepositoryExistsException(String message) {
    super(message);
  }
}
