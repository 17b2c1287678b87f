package org.casfs.cas;

/** An object that a reference needs is not in the store. */
public final class MissingObjectException extends ObjectException {
  private static final long serialVersionUID = 1L;

  public MissingObjectException(ObjectId id, String what) {
    super(id, what + " " + id + " is missing from the store; run 'casfs fsck --repair URL' to fetch it");
  }
}
