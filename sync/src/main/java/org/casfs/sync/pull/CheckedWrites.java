package org.casfs.sync.pull;

import java.io.IOException;
import java.io.InputStream;
import org.casfs.cas.CorruptObjectException;
import org.casfs.cas.HashedBytes;
import org.casfs.cas.Hashes;
import org.casfs.cas.Manifest;
import org.casfs.cas.ManifestCodec;
import org.casfs.cas.ObjectType;
import org.casfs.cas.Tree;
import org.casfs.cas.TreeCodec;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.sync.trust.Head;
import org.casfs.sync.trust.HeadVerifier;

/**
 * The puller's gates into the store: nothing from a source is stored before it matches what names
 * it - the manifest the signed head, a tree its parent's entry (SHA-1 and SHA-256, then a strict
 * decode), a blob its entry's SHA-1, SHA-256 and size (checked by the store as it writes).
 * Thread-safe as the store is.
 */
final class CheckedWrites {
  private final ObjectDatabase db;

  CheckedWrites(ObjectDatabase db) {
    this.db = db;
  }

  /** Stores the manifest the signed {@code head} names, if {@code bytes} are it; returns it decoded. */
  Manifest manifest(Head head, byte[] bytes) throws IOException {
    HashedBytes hashed = HashedBytes.of(bytes);
    Hashes actual = hashed.hashes();
    if (!actual.equals(head.manifest())) {
      throw new CorruptObjectException(head.manifestId(), "the source sent a manifest hashing to " + actual.id()
          + " / " + actual.sha256() + " where the signed head names " + head.manifest().id() + " / "
          + head.manifest().sha256() + " (tampered)");
    }
    Manifest m = ManifestCodec.decode(head.manifestId(), bytes);
    HeadVerifier.checkManifest(head, head.manifestId(), m);
    db.store().insert(ObjectType.MANIFEST, hashed);
    return m;
  }

  /** Stores the tree an entry names as {@code expected}, if {@code bytes} are it; returns it decoded. */
  Tree tree(Hashes expected, byte[] bytes) throws IOException {
    HashedBytes hashed = HashedBytes.of(bytes);
    Hashes actual = hashed.hashes();
    if (!actual.id().equals(expected.id())) {
      throw CorruptObjectException.mismatch(expected.id(), actual.id());
    }
    if (!actual.sha256().equals(expected.sha256())) {
      throw new CorruptObjectException(expected.id(), "its SHA-256 is " + actual.sha256() + " where its parent names "
          + expected.sha256() + " (a SHA-1 collision?)");
    }
    Tree t = TreeCodec.decode(expected.id(), bytes);
    db.writeDecodedTree(hashed, t);
    return t;
  }

  /**
   * Stores the blob {@code need} names from {@code in}; the store refuses other bytes (and takes a
   * rebuilt delta's {@link org.casfs.cas.HashedBytes.Stream} without hashing it again).
   */
  void blob(Inventory.Need need, InputStream in) throws IOException {
    db.store().insertBlob(in, need.size(), need.hashes());
  }

  /**
   * Stores the blob {@code need} names from {@code bytes} (taken over), hashed here once and
   * written from the array: no stream copy on the way.
   */
  void blob(Inventory.Need need, byte[] bytes) throws IOException {
    blob(need, HashedBytes.of(bytes).stream());
  }
}
