package org.casfs.txn;

import java.util.List;

/**
 * The key spaces this module keeps in the repository's database: refs, their history, the
 * registered versions, what is known complete, and the transactions' records. {@code casfs init}
 * makes them all at once ({@link org.casfs.cas.store.KeyValueStore#createSpaces}).
 */
public final class KeySpaces {
  public static final List<String> ALL = List.of(Refs.REFS, Refs.HISTORY, Refs.VERSIONS, Completeness.SPACE,
      Transactions.META, Transactions.JOURNAL);

  private KeySpaces() {}
}
