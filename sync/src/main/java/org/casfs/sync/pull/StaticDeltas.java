package org.casfs.sync.pull;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.casfs.cas.Entry;
import org.casfs.cas.Hashes;
import org.casfs.cas.ObjectException;
import org.casfs.cas.ObjectId;
import org.casfs.cas.Tree;
import org.casfs.cas.store.ObjectDatabase;

/**
 * The deltas a source publishes as files ({@link Source#deltaOrNull}: a mirror folder, nginx
 * serving {@code casfs mirror}), as the object-by-object path of a pull uses them: which tree or
 * blob of the running version each missing object is rebuilt from, and fetching and rebuilding
 * one ({@link PerObjectDeltas} verifies the result; the puller verifies it again against the entry
 * before storing). Without deltas or a running version it pairs nothing. Thread-safe.
 */
final class StaticDeltas {
  /**
   * Tree deltas are read into memory whole, on each of the parallel GETs: a larger one is not
   * fetched (the tree comes whole, within {@link TreeBytes}). A tree delta is smaller than its
   * tree, and trees over 1 MiB are rare (a Debian root's largest is about 1 MB).
   */
  static final int MAX_TREE_DELTA_BYTES = 1 << 20;
  /** Blob deltas too: bounded, and never more than the blob itself. */
  static final int MAX_BLOB_DELTA_BYTES = 64 << 20;

  private final ObjectDatabase db;
  private final PerObjectDeltas deltas;
  private final ObjectId base;
  private final ObjectId want;
  private final PullListener listener;

  private StaticDeltas(ObjectDatabase db, PerObjectDeltas deltas, ObjectId base, ObjectId want, PullListener listener) {
    this.db = db;
    this.deltas = deltas;
    this.base = base;
    this.want = want;
    this.listener = listener;
  }

  /**
   * For pulling {@code want}: deltas apply to the first complete version of {@code refs} (the one
   * running); none if {@code deltasOrNull} is null or there is no such version.
   */
  static StaticDeltas of(ObjectDatabase db, PerObjectDeltas deltasOrNull, VersionRefs refs, ObjectId want,
      PullListener listener) throws IOException {
    ObjectId base = null;
    if (deltasOrNull != null) {
      for (ObjectId v : refs.completeVersions()) {
        if (!v.equals(want) && db.store().contains(v)) {
          base = v;
          break;
        }
      }
    }
    return new StaticDeltas(db, deltasOrNull, base, want, listener);
  }

  /** The old blob for each changed file of the wanted version (same path, then renames). */
  Map<ObjectId, ObjectId> blobBases() throws IOException {
    return base == null ? Map.of() : deltas.bases(db, base, want);
  }

  /**
   * For the trees of the wanted version still missing whose parent is here: the tree at the same
   * path in the running version.
   */
  Map<ObjectId, ObjectId> treeBases() throws IOException {
    if (base == null) {
      return Map.of();
    }
    Map<ObjectId, ObjectId> out = new HashMap<>();
    pair(db.readManifest(want).rootId(), db.readManifest(base).rootId(), out, new HashSet<>());
    return out;
  }

  private void pair(ObjectId newTree, ObjectId oldTree, Map<ObjectId, ObjectId> out, Set<ObjectId> seen)
      throws IOException {
    if (newTree.equals(oldTree) || !seen.add(newTree)) {
      return;
    }
    if (!db.store().contains(newTree)) {
      out.putIfAbsent(newTree, oldTree);
      return;
    }
    Tree old = db.readTree(oldTree);
    for (Entry e : db.readTree(newTree).entries()) {
      Entry o = old.getOrNull(e.name());
      if (e.isDirectory() && o != null && o.isDirectory()) {
        pair(e.childId(), o.childId(), out, seen);
      }
    }
  }

  /** The bytes of {@code tree} rebuilt from the source's delta against {@code oldTree}; null: fetch it whole. */
  byte[] treeOrNull(Source s, ObjectId oldTree, Hashes tree) throws IOException {
    byte[] delta = s.deltaOrNull(oldTree, tree.id(), MAX_TREE_DELTA_BYTES);
    if (delta == null) {
      return null;
    }
    try {
      return deltas.rebuildTree(tree, delta, db.store());
    } catch (ObjectException e) {
      listener.note(s.name() + ": " + e.getMessage());
      return null;
    }
  }

  /** The blob {@code need} rebuilt from the source's delta against {@code oldBlob}; null: fetch it whole. */
  InputStream blobOrNull(Source s, ObjectId oldBlob, Inventory.Need need) throws IOException {
    byte[] delta = s.deltaOrNull(oldBlob, need.hashes().id(), (int) Math.min(need.size(), MAX_BLOB_DELTA_BYTES));
    if (delta == null) {
      return null;
    }
    try {
      return deltas.rebuild(need.hashes(), need.size(), delta, db.store());
    } catch (ObjectException e) {
      listener.note(s.name() + ": " + e.getMessage());
      return null;
    }
  }
}
