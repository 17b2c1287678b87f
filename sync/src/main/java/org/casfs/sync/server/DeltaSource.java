package org.casfs.sync.server;

import java.io.IOException;
import org.casfs.cas.ObjectId;

/** Serves {@code GET /v1/deltas/{old}-{new}}. Implementations are thread-safe. */
public interface DeltaSource {
  /** The delta's bytes, or null if there is none (the server answers 404). */
  byte[] deltaOrNull(ObjectId oldBlob, ObjectId newBlob) throws IOException;

  DeltaSource NONE = (a, b) -> null;
}
