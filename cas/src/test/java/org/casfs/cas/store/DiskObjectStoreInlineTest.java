package org.casfs.cas.store;

/** The object store contract with an inline threshold of 16777216 bytes. */
class DiskObjectStoreInlineTest extends DiskObjectStoreContract {
  @Override
  int inlineThreshold() {
    return 16777216;
  }
}
