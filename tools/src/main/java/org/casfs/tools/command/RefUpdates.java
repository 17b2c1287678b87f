package org.casfs.tools.command;

import java.io.IOException;
import org.casfs.cas.ObjectId;
import org.casfs.tools.CliException;
import org.casfs.tools.ExitCode;
import org.casfs.tools.OpenRepo;
import org.casfs.txn.Completeness;
import org.casfs.txn.RefUpdate;

/** Turns a refused {@link RefUpdate} into one clear line and the right exit code. */
final class RefUpdates {
  private RefUpdates() {
  }

  /** Returns normally for OK and NO_CHANGE; throws a {@link CliException} otherwise. */
  static void requireApplied(OpenRepo open, RefUpdate u, String what, ObjectId target) throws IOException {
    switch (u) {
      case OK, NO_CHANGE -> {
      }
      case LOCK_FAILURE -> throw CliException.rejected(what + " refused: current moved meanwhile; "
          + "look at 'casfs status' and try again");
      case REJECTED_NOT_A_MANIFEST -> throw CliException.usage(what + " refused: " + target + " is not a version");
      case REJECTED_MISSING_OBJECT -> {
        Completeness.Result r = open.txn().completeness().check(target);
        throw new CliException(ExitCode.VERIFICATION, what + " refused: version " + target
            + " is incomplete (object " + r.missing() + " is missing); pull it again or run 'casfs fsck --repair'");
      }
      default -> throw new IllegalStateException("unknown outcome " + u);
    }
  }
}
