package org.casfs.sync.delta;

import java.io.IOException;
import org.casfs.cas.ObjectId;

/** A delta abandoned while it was being made: it grew past what could be kept or sent. */
final class DeltaTooLargeException extends IOException {
  DeltaTooLargeException(ObjectId oldId, ObjectId newId, long limit) {
    super("the delta " + oldId + " -> " + newId + " is over " + limit + " bytes");
  }
}
