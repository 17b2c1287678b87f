package org.casfs.cas.store;

/** The object store contract with an inline threshold of 4096 bytes. */
class DiskObjectStoreMixedTest extends DiskObjectStoreContract {
  @Override
  int inlineThreshold() {
    return 4096;
  }
}
