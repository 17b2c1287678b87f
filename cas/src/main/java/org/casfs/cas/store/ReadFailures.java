package org.casfs.cas.store;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;

/**
 * Whose fault a failed read of a stored object is: the object's (its bytes do not verify, or its
 * file cannot be read: a bad sector's EIO), which a good copy from elsewhere mends, or not (the
 * database itself is damaged, the repository was closed, the reader was interrupted), which no
 * copy mends. One rule for fsck, the scrub, the self-repair, the mount and the server. Stateless.
 */
public final class ReadFailures {
  private ReadFailures() {}

  /** True if {@code e}, met reading an object, means that object is damaged. */
  public static boolean blameTheObject(IOException e) {
    return !(e instanceof DamagedDatabaseException || e instanceof RepositoryClosedException
        || e instanceof InterruptedIOException || e instanceof ClosedByInterruptException);
  }
}
