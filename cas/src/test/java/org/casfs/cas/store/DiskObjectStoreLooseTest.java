package org.casfs.cas.store;

/** The object store contract with an inline threshold of 0 bytes. */
class DiskObjectStoreLooseTest extends DiskObjectStoreContract {
  @Override
  int inlineThreshold() {
    return 0;
  }
}
