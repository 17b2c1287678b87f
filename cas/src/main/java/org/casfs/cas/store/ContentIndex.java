package org.casfs.cas.store;

import java.io.IOException;
import org.casfs.cas.CorruptObjectException;
import org.casfs.cas.ObjectId;
import org.casfs.cas.ObjectType;
import org.casfs.cas.Sha256;

/**
 * A {@link DiskObjectStore}'s second index, in its own key space: the SHA-256 of each blob's bytes
 * to the blob's id. An import hashes a file with SHA-256 alone and finds here the blob the store
 * already holds, at half the cost of both digests (SHA-256 names bytes as surely as the pair does;
 * SHA-1 alone would not, since SHA-1 collisions can be made).
 *
 * <p>A hint, checked before it is believed: written and deleted in the same batches as the object
 * index, and every hit is confirmed against the object index's record of the blob, so an entry
 * that is stale or damaged costs a lookup, never a wrong answer. A repository made before this
 * index existed gets it built from the object index when first opened; a marker (the empty key)
 * says it is complete. Stateless.
 */
final class ContentIndex {
  static final String SPACE = "blob-sha256";
  private static final byte[] COMPLETE = new byte[0];
  private static final byte[] VERSION_1 = {1};
  /** Entries per unsynced batch while building; the marker's batch is synced. */
  private static final int BUILD_BATCH = 10_000;

  private ContentIndex() {}

  static void put(KeyValueStore.Batch batch, ObjectInfo blob) {
    batch.put(SPACE, blob.sha256().toRaw(), blob.id().toRaw());
  }

  static void delete(KeyValueStore.Batch batch, Sha256 sha256) {
    batch.delete(SPACE, sha256.toRaw());
  }

  /** The id the entry for {@code sha256} names, unconfirmed; null if none (or not an id). */
  static ObjectId candidateOrNull(KeyValueStore db, Sha256 sha256) throws IOException {
    byte[] value = db.getOrNull(SPACE, sha256.toRaw());
    return value == null || value.length != ObjectId.LENGTH ? null : ObjectId.fromRaw(value);
  }

  /** Builds the index from the object index unless it is complete already. */
  static void buildIfIncomplete(KeyValueStore db, String objectIndex) throws IOException {
    if (db.getOrNull(SPACE, COMPLETE) != null) {
      return;
    }
    KeyValueStore.Batch[] batch = {db.batch()};
    int[] held = {0};
    db.scan(objectIndex, new byte[0], (key, value) -> {
      if (key.length != ObjectId.LENGTH) {
        return true; // damage fsck reports; nothing to index
      }
      ObjectInfo info;
      try {
        info = IndexRecord.decode(ObjectId.fromRaw(key), value);
      } catch (CorruptObjectException e) {
        return true;
      }
      if (info.type() == ObjectType.BLOB) {
        put(batch[0], info);
        if (++held[0] == BUILD_BATCH) {
          batch[0].commit(false);
          batch[0] = db.batch();
          held[0] = 0;
        }
      }
      return true;
    });
    batch[0].put(SPACE, COMPLETE, VERSION_1).commit(true);
  }
}
