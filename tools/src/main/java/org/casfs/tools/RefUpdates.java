package org.casfs.tools;

import org.casfs.cas.ObjectId;
import org.casfs.txn.RefUpdate;

/** Turns a refused {@link RefUpdate} into the CLI's error line and exit code. */
public final class RefUpdates {
  private RefUpdates() {}

  /**
   * Returns normally for {@code OK} and {@code NO_CHANGE}; otherwise throws.
   *
   * @param what what was attempted, e.g. "switch to 3fa4…"
   */
  public static RefUpdate require(RefUpdate result, String what, ObjectId target) {
    return switch (result) {
      case OK, NO_CHANGE -> result;
      case LOCK_FAILURE -> throw CliException.rejected(what + " refused: 'current' moved meanwhile"
          + "; look at 'casfs status' and try again");
      case REJECTED_MISSING_OBJECT -> throw new CliException(ExitCode.VERIFICATION, what + " refused: version "
          + target + " is incomplete (objects missing); run 'casfs fsck' or pull it again");
      case REJECTED_NOT_A_MANIFEST -> throw CliException.usage(what + " refused: " + target
          + " is not a version; see 'casfs log'");
    };
  }
}
