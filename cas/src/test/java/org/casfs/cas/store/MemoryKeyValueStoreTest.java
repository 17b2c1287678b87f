package org.casfs.cas.store;

class MemoryKeyValueStoreTest extends KeyValueStoreContract {
  @Override
  protected KeyValueStore kv() {
    return new MemoryKeyValueStore();
  }
}
