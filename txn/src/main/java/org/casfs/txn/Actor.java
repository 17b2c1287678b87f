package org.casfs.txn;

/** Who moved a ref: recorded in every history record so {@code casfs history} can say why. */
public enum Actor {
  /** A user command: {@code casfs switch}, {@code commit --switch}. */
  COMMAND,
  /** The sync layer after pulling and verifying a version. */
  PULL,
  /** {@code casfs rollback}. */
  ROLLBACK,
  /** {@code casfs import --switch}. */
  IMPORT;

  static Actor fromCode(int code) {
    Actor[] all = values();
    if (code < 0 || code >= all.length) {
      throw new IllegalArgumentException("unknown actor code " + code);
    }
    return all[code];
  }
}
