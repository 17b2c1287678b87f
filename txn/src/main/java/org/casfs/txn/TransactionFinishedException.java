package org.casfs.txn;

/**
 * A call on a transaction that was committed or aborted before the call got its turn. The call
 * changed nothing (every operation checks this first, under the transaction's lock), so a caller
 * that serves a long-lived mount repeats it on the transaction that follows.
 */
public final class TransactionFinishedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  TransactionFinishedException(long id) {
    super("transaction " + id + " is already committed or aborted");
  }
}
