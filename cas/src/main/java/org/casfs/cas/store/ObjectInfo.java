package org.casfs.cas.store;

import org.casfs.cas.Hashes;
import org.casfs.cas.ObjectId;
import org.casfs.cas.ObjectType;
import org.casfs.cas.Sha256;

/** What the store knows of one object without reading it: type, length and both hashes. */
public record ObjectInfo(ObjectId id, ObjectType type, long size, Sha256 sha256) {
  public Hashes hashes() {
    return new Hashes(id, sha256);
  }
}
