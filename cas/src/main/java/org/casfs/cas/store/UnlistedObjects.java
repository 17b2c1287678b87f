package org.casfs.cas.store;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import org.casfs.cas.CorruptObjectException;
import org.casfs.cas.Entry;
import org.casfs.cas.Hashes;
import org.casfs.cas.Manifest;
import org.casfs.cas.ManifestCodec;
import org.casfs.cas.ObjectId;
import org.casfs.cas.ObjectType;
import org.casfs.cas.TreeCodec;

/**
 * The small objects a {@link DatabaseSalvage} found bytes for but no index record: trees,
 * manifests and small blobs whose records went with the damage. Their bytes say nothing of their
 * type, but the trees and manifests that name them do, with the SHA-256 each must have: every one
 * a listed tree or manifest names is checked against that name and listed again, and so, in turn,
 * is what a tree listed again names. A manifest nothing names is listed if it decodes as one.
 * What is left stays unlisted (a repair fetches it). Not thread-safe.
 */
final class UnlistedObjects {
  private static final int BATCH = 10_000;

  private final RocksDatabase old;
  private final RocksDatabase fresh;
  private final Set<ObjectId> unlisted;
  private final BatchWriter index;
  private final BatchWriter data;
  /** Trees and manifests whose children are still to be looked at (with their bytes if not yet written). */
  private final Deque<Named> toScan = new ArrayDeque<>();
  private long listed;

  /** A tree or manifest; {@code bytes} null for one the new database holds already. */
  private record Named(ObjectId id, ObjectType type, byte[] bytes) {}

  /**
   * @param unlisted ids whose bytes are in {@code old}'s data space and that {@code fresh} does not
   *     list; those listed again are removed from it
   */
  UnlistedObjects(RocksDatabase old, RocksDatabase fresh, Set<ObjectId> unlisted) {
    this.old = old;
    this.fresh = fresh;
    this.unlisted = unlisted;
    this.index = new BatchWriter(fresh, DiskObjectStore.INDEX, BATCH);
    this.data = new BatchWriter(fresh, DiskObjectStore.DATA, BATCH);
  }

  /** Lists again what can be typed and verified; returns how many. */
  long relist() throws IOException {
    if (unlisted.isEmpty()) {
      return 0;
    }
    fresh.scan(DiskObjectStore.INDEX, new byte[0], (key, record) -> {
      ObjectType type = record.length == IndexRecord.LENGTH ? ObjectType.fromCodeOrNull(record[0]) : null;
      if ((type == ObjectType.TREE || type == ObjectType.MANIFEST) && !IndexRecord.isLoose(record)) {
        toScan.add(new Named(ObjectId.fromRaw(key), type, null)); // read when looked at, not all at once
      }
      return true;
    });
    scanAll();
    for (ObjectId id : new ArrayList<>(unlisted)) { // manifests: refs name them, and cas knows no refs
      byte[] bytes = old.getOrNull(DiskObjectStore.DATA, id.toRaw());
      if (bytes != null && Hashes.of(bytes).id().equals(id) && decodesAsManifest(id, bytes)) {
        list(id, ObjectType.MANIFEST, bytes);
      }
    }
    scanAll();
    index.finish(false);
    data.finish(false);
    return listed;
  }

  private void scanAll() throws IOException {
    while (!toScan.isEmpty()) {
      Named n = toScan.poll();
      byte[] bytes = n.bytes() != null ? n.bytes() : fresh.getOrNull(DiskObjectStore.DATA, n.id().toRaw());
      if (bytes == null) {
        continue;
      }
      for (Child child : children(n.id(), n.type(), bytes)) {
        if (unlisted.contains(child.hashes().id())) {
          byte[] childBytes = old.getOrNull(DiskObjectStore.DATA, child.hashes().id().toRaw());
          if (childBytes != null && Hashes.of(childBytes).equals(child.hashes())) {
            list(child.hashes().id(), child.type(), childBytes);
          }
        }
      }
    }
  }

  private record Child(Hashes hashes, ObjectType type) {}

  /** What a tree or manifest names, with the type it names it as; nothing if it does not decode. */
  private static List<Child> children(ObjectId id, ObjectType type, byte[] bytes) {
    List<Child> children = new ArrayList<>();
    try {
      if (type == ObjectType.MANIFEST) {
        children.add(new Child(ManifestCodec.decode(id, bytes).root(), ObjectType.TREE));
      } else {
        for (Entry e : TreeCodec.decode(id, bytes).entries()) {
          if (e.child() != null) {
            children.add(new Child(e.child(), e.isDirectory() ? ObjectType.TREE : ObjectType.BLOB));
          }
        }
      }
    } catch (CorruptObjectException e) {
      // fsck names it; nothing it names can be typed through it
    }
    return children;
  }

  private void list(ObjectId id, ObjectType type, byte[] bytes) throws IOException {
    unlisted.remove(id);
    index.put(id.toRaw(), IndexRecord.encode(type, bytes.length, Hashes.of(bytes).sha256(), false));
    data.put(id.toRaw(), bytes);
    listed++;
    if (type != ObjectType.BLOB) {
      toScan.add(new Named(id, type, bytes));
    }
  }

  private static boolean decodesAsManifest(ObjectId id, byte[] bytes) {
    try {
      Manifest m = ManifestCodec.decode(id, bytes);
      return m != null;
    } catch (CorruptObjectException e) {
      return false;
    }
  }
}
