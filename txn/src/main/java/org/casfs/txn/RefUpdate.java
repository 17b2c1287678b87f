package org.casfs.txn;

/**
 * The outcome of moving a ref, as in jgit's {@code RefUpdate.Result}: expected races and refusals
 * are values, not exceptions. Only {@link #OK} changed anything.
 */
public enum RefUpdate {
  /** The ref now points at the new manifest; the change is durable. */
  OK,
  /** The ref already pointed at the new manifest; nothing was written. */
  NO_CHANGE,
  /** The ref was not at the expected value (someone moved it meanwhile); nothing was written. */
  LOCK_FAILURE,
  /** The manifest or an object it reaches is not in the store; nothing was written. */
  REJECTED_MISSING_OBJECT,
  /** The object exists but is not a manifest; nothing was written. */
  REJECTED_NOT_A_MANIFEST;

  public boolean changed() {
    return this == OK;
  }
}
