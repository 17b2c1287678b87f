package org.casfs.cas.store;

import java.io.IOException;

/**
 * The repository's database (RocksDB, in REPO/db) is damaged: RocksDB found a block whose checksum
 * does not match, or the files that list its contents are gone. What it holds (refs, the object
 * index, small objects) can no longer be read or trusted; not a busy repository, not a bad argument.
 */
public final class DamagedDatabaseException extends IOException {
  private static final long serialVersionUID = 1L;

  public DamagedDatabaseException(String what, Throwable cause) {
    super("the repository's database is damaged: " + what + "; keep a copy of the repository for diagnosis,"
        + " then make a new one and pull or import its versions again", cause);
  }
}
