package org.casfs.sync.delta;

import org.casfs.cas.ObjectException;
import org.casfs.cas.ObjectId;

/**
 * A delta that cannot be used: malformed, for other blobs than named, or producing bytes that do
 * not hash to the new blob's SHA-1 and SHA-256. Nothing was stored; the caller fetches the whole
 * blob instead. {@link #id()} is the new blob.
 */
public final class CorruptDeltaException extends ObjectException {
  private static final long serialVersionUID = 1L;
  private final String deltaName;

  public CorruptDeltaException(String deltaName, ObjectId newBlob, String what) {
    super(newBlob, "delta " + deltaName + " is unusable: " + what + "; fetch the whole blob " + newBlob + " instead");
    this.deltaName = deltaName;
  }

  /** The refusal of the delta from {@code oldId} to {@code newBlob}, named {@code {old-id}-{new-id}}. */
  public static CorruptDeltaException between(ObjectId oldId, ObjectId newBlob, String what) {
    return new CorruptDeltaException(DeltaHeader.name(oldId, newBlob), newBlob, what);
  }

  /** {@code {old-id}-{new-id}}. */
  public String deltaName() {
    return deltaName;
  }
}
