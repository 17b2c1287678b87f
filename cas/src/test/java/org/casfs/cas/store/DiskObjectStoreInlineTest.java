package org.casfs.cas.store;

/** The object store contract with an inline threshold of 262144 bytes. */
class DiskObjectStoreInlineTest extends DiskObjectStoreContract {
  @Override
  int inlineThreshold() {
    return 262144;
  }
}
