package org.casfs.cas.store;

import java.io.IOException;
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
  /** Entries per unsynced batch while building; the marker's batch is synced (and so all before it). */
  private static final int BUILD_BATCH = 10_000;

  private ContentIndex() {}

  /** Indexes {@code info} if it is a blob, in the batch that writes its object index record. */
  static void put(KeyValueStore.Batch batch, ObjectInfo info) {
    if (info.type() == ObjectType.BLOB) {
      batch.put(SPACE, info.sha256().toRaw(), info.id().toRaw());
    }
  }

  /**
   * Drops the entry of a removed object, in the batch that deletes its record. A record too
   * damaged to decode ({@code infoOrNull} null) names no SHA-256: its entry, if any, stays stale,
   * and lookups confirm and so ignore it.
   */
  static void delete(KeyValueStore.Batch batch, ObjectInfo infoOrNull) {
    if (infoOrNull != null && infoOrNull.type() == ObjectType.BLOB) {
      batch.delete(SPACE, infoOrNull.sha256().toRaw());
    }
  }

  /** The id the entry for {@code sha256} names, unconfirmed; null if none (or not an id). */
  static ObjectId candidateOrNull(KeyValueStore db, Sha256 sha256) throws IOException {
    byte[] value = db.getOrNull(SPACE, sha256.toRaw());
    return value == null || value.length != ObjectId.LENGTH ? null : ObjectId.fromRaw(value);
  }

  /** Builds the index from {@code objects} (every object the store indexes) unless it is complete. */
  static void buildIfIncomplete(KeyValueStore db, ObjectEnumerator objects) throws IOException {
    if (db.getOrNull(SPACE, COMPLETE) != null) {
      return;
    }
    BatchWriter writer = new BatchWriter(db, SPACE, BUILD_BATCH);
    objects.forEach(info -> {
      if (info.type() == ObjectType.BLOB) {
        writer.put(info.sha256().toRaw(), info.id().toRaw());
      }
      return true;
    });
    writer.put(COMPLETE, VERSION_1);
    writer.finish(true);
  }
}
