package org.casfs.cas.store;

import java.io.IOException;

/**
 * A change to a repository opened for reading only ({@link Repository#readOnly()}): it lies on a
 * filesystem mounted read-only.
 */
public final class ReadOnlyRepositoryException extends IOException {
  private static final long serialVersionUID = 1L;

  public ReadOnlyRepositoryException(String message) {
    super(message);
  }
}
