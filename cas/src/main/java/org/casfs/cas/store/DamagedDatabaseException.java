package org.casfs.cas.store;

import java.io.IOException;

/**
 * The repository's database (RocksDB, in REPO/db) is damaged: RocksDB found a block whose checksum
 * does not match, or the files that list its contents are gone. What it holds (refs, the object
 * index, small objects) can no longer be read or trusted; not a busy repository, not a bad argument.
 */
public final class DamagedDatabaseException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Damage a salvage can step over ({@link Repository#salvage}): the advice is to run it. */
  public DamagedDatabaseException(String what, Throwable cause) {
    super("the repository's database is damaged: " + what + "; run 'casfs fsck --repair URL' (a server, peer or"
        + " mirror with its versions) to rebuild it from what can still be read and fetch what was lost, or"
        + " 'casfs fsck --salvage' to rebuild it alone", cause);
  }

  private DamagedDatabaseException(String message) {
    super(message);
  }

  /** Damage that leaves nothing to salvage: the files that list the database's contents are gone. */
  static DamagedDatabaseException beyondSalvage(String what) {
    return new DamagedDatabaseException("the repository's database is damaged beyond salvage: " + what
        + "; keep a copy of the repository for diagnosis, then make a new one and pull or import its versions again");
  }
}
