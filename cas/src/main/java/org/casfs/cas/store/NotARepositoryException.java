package org.casfs.cas.store;

import java.io.IOException;

/** The directory given as a repository is not one (or is damaged beyond opening). */
public final class NotARepositoryException extends IOException {
  private static final long serialVersionUID = 1L;

  public NotARepositoryException(String message) {
    super(message);
  }
}
