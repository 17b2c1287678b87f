package org.casfs.tools;

import java.io.IOException;
import org.casfs.cas.ObjectId;
import org.casfs.txn.Completeness;
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

  /**
   * Like {@link #require}, and for an incomplete version names the first missing object.
   */
  public static void requireApplied(OpenRepo open, RefUpdate result, String what, ObjectId target) throws IOException {
    if (result == RefUpdate.REJECTED_MISSING_OBJECT) {
      Completeness.Result r = open.txn().completeness().check(target);
      throw new CliException(ExitCode.VERIFICATION, what + " refused: version " + target
          + " is incomplete (object " + r.missing() + " is missing); pull it again or run 'casfs fsck --repair'");
    }
    require(result, what, target);
  }
}
