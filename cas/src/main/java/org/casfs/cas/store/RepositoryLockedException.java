package org.casfs.cas.store;

import java.io.IOException;

/** The repository is open in another process (a mount, a daemon or another command). */
public final class RepositoryLockedException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String holder;
  private final String holderCommand;

  public RepositoryLockedException(String message) {
    this(message, "another process", null);
  }

  /**
   * {@code holder}: the process that holds it, as {@code 4711 (casfs import /srv/image)};
   * {@code holderCommand}: its command alone ({@code casfs import /srv/image}), or null if unknown.
   */
  public RepositoryLockedException(String message, String holder, String holderCommand) {
    super(message);
    this.holder = holder;
    this.holderCommand = holderCommand;
  }

  /** The process that holds the repository, as a user would know it. */
  public String holder() {
    return holder;
  }

  /** The holder's command line as typed ({@code casfs serve --port 7420}), or null if unknown. */
  public String holderCommandOrNull() {
    return holderCommand;
  }
}
