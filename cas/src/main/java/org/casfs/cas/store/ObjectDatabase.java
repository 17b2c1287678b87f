package org.casfs.cas.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import org.casfs.cas.CorruptObjectException;
import org.casfs.cas.HashedBytes;
import org.casfs.cas.Hashes;
import org.casfs.cas.Manifest;
import org.casfs.cas.ManifestCodec;
import org.casfs.cas.ObjectId;
import org.casfs.cas.ObjectType;
import org.casfs.cas.Tree;
import org.casfs.cas.TreeCodec;

/**
 * Typed access to a store: trees and manifests decoded (and decoded trees cached in bounded
 * memory), written in their canonical encodings. Thread-safe.
 */
public final class ObjectDatabase {
  private final ObjectStore store;
  private final Cache<ObjectId, Tree> trees;

  public ObjectDatabase(ObjectStore store, long treeCacheBytes) {
    this.store = store;
    // A decoded entry holds about 330 bytes of objects besides its name (Entry, Metadata, Name,
    // Hashes with its ObjectId and Sha256, their arrays; measured with jmap on a 200k-file tree),
    // and the cache never takes more than an eighth of the heap: a mount runs in 96 MiB.
    this.trees = Caffeine.newBuilder()
        .maximumWeight(Math.min(treeCacheBytes, Runtime.getRuntime().maxMemory() / 8))
        .weigher((ObjectId id, Tree t) -> 128 + t.size() * 360)
        .executor(CacheUpkeep.ON_CALLER)
        .build();
  }

  public ObjectStore store() {
    return store;
  }

  /** The tree, verified and decoded. */
  public Tree readTree(ObjectId id) throws IOException {
    Tree t = trees.getIfPresent(id);
    if (t != null) {
      return t;
    }
    t = TreeCodec.decode(id, store.read(id));
    trees.put(id, t);
    return t;
  }

  public Manifest readManifest(ObjectId id) throws IOException {
    byte[] bytes = store.read(id);
    return ManifestCodec.decode(id, bytes);
  }

  /** True if the object is a manifest (decodes as one). */
  public boolean isManifest(ObjectId id) throws IOException {
    ObjectInfo info = store.statOrNull(id);
    if (info == null || info.type() != ObjectType.MANIFEST) {
      return false;
    }
    try {
      readManifest(id);
      return true;
    } catch (CorruptObjectException e) {
      return false;
    }
  }

  public Hashes writeTree(Tree tree) throws IOException {
    ObjectInfo info = store.insert(ObjectType.TREE, TreeCodec.encode(tree));
    trees.put(info.id(), tree);
    return info.hashes();
  }

  /**
   * Stores a tree in its encoding, already hashed, with the tree those bytes are (received and
   * decoded strictly, {@link TreeCodec#decode}, or made and encoded by an import), and keeps the
   * tree, so that neither walking it next nor storing it encodes, hashes or decodes it again.
   */
  public Hashes writeDecodedTree(HashedBytes encoded, Tree decoded) throws IOException {
    ObjectInfo info = store.insert(ObjectType.TREE, encoded);
    trees.put(info.id(), decoded);
    return info.hashes();
  }

  public Hashes writeManifest(Manifest manifest) throws IOException {
    return store.insert(ObjectType.MANIFEST, ManifestCodec.encode(manifest)).hashes();
  }

  public void invalidate(ObjectId id) {
    trees.invalidate(id);
  }
}
