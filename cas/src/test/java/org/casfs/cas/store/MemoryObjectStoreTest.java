package org.casfs.cas.store;

import org.casfs.cas.ObjectId;

class MemoryObjectStoreTest extends ObjectStoreContract {
  @Override
  protected ObjectStore newStore() {
    return new MemoryObjectStore();
  }

  @Override
  protected void damage(ObjectId id, byte[] newBytes) {
    ((MemoryObjectStore) store).corrupt(id, newBytes);
  }
}
