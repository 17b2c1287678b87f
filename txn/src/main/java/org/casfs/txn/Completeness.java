package org.casfs.txn;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import org.casfs.cas.Entry;
import org.casfs.cas.Manifest;
import org.casfs.cas.ObjectException;
import org.casfs.cas.ObjectId;
import org.casfs.cas.ObjectType;
import org.casfs.cas.Tree;
import org.casfs.cas.store.KeyValueStore;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.cas.store.ObjectInfo;

/**
 * Decides whether a manifest is complete: the manifest and every tree and blob it reaches are in
 * the store. The walk reads each tree once and remembers complete manifests and trees in the
 * {@value #SPACE} key space, so checking a version that shares most subtrees with a checked one
 * costs only the new trees, and a checked manifest costs one key lookup.
 *
 * <p>Markers are written unsynced: losing them in a power cut only costs a re-walk. gc drops the
 * markers first ({@link #forgetAll}). Thread-safe.
 */
public final class Completeness {
  /** Its markers: derived from the objects, so a salvaged database leaves them behind. */
  public static final String SPACE = "txn-complete";

  // Manifest and tree markers are kept apart: a tree marker must never vouch for a "manifest".
  private static final byte MANIFEST = 'm';
  private static final byte TREE = 't';

  private final ObjectDatabase objects;
  private final KeyValueStore kv;

  public Completeness(ObjectDatabase objects, KeyValueStore kv) {
    this.objects = objects;
    this.kv = kv;
  }

  /** What a check found. */
  public enum Verdict { COMPLETE, MISSING_OBJECT, NOT_A_MANIFEST }

  /** The verdict and, when incomplete, the first missing or damaged object. */
  public record Result(Verdict verdict, ObjectId missing) {
    public boolean complete() {
      return verdict == Verdict.COMPLETE;
    }
  }

  private static byte[] key(byte kind, ObjectId id) {
    byte[] k = new byte[1 + ObjectId.LENGTH];
    k[0] = kind;
    id.copyTo(k, 1);
    return k;
  }

  public Result check(ObjectId manifestId) throws IOException {
    if (kv.getOrNull(SPACE, key(MANIFEST, manifestId)) != null) {
      return new Result(Verdict.COMPLETE, null);
    }
    ObjectInfo info = objects.store().statOrNull(manifestId);
    if (info == null) {
      return new Result(Verdict.MISSING_OBJECT, manifestId);
    }
    if (info.type() != ObjectType.MANIFEST) {
      return new Result(Verdict.NOT_A_MANIFEST, manifestId);
    }
    Manifest m;
    try {
      m = objects.readManifest(manifestId);
    } catch (ObjectException e) {
      return new Result(Verdict.MISSING_OBJECT, manifestId);
    }
    Set<ObjectId> newlyComplete = new HashSet<>();
    ObjectId missing = missingInTree(m.rootId(), newlyComplete);
    if (missing != null) {
      return new Result(Verdict.MISSING_OBJECT, missing);
    }
    KeyValueStore.Batch batch = kv.batch();
    for (ObjectId t : newlyComplete) {
      batch.put(SPACE, key(TREE, t), new byte[0]);
    }
    batch.put(SPACE, key(MANIFEST, manifestId), new byte[0]);
    batch.commit(false);
    return new Result(Verdict.COMPLETE, null);
  }

  /** The first missing object under this tree, or null; adds checked trees to {@code complete}. */
  private ObjectId missingInTree(ObjectId treeId, Set<ObjectId> complete) throws IOException {
    if (complete.contains(treeId) || kv.getOrNull(SPACE, key(TREE, treeId)) != null) {
      return null;
    }
    Tree tree;
    try {
      tree = objects.readTree(treeId);
    } catch (ObjectException e) {
      return treeId;
    }
    for (Entry e : tree.entries()) {
      if (e.isDirectory()) {
        ObjectId m = missingInTree(e.childId(), complete);
        if (m != null) {
          return m;
        }
      } else if (e.isRegular() && !objects.store().contains(e.childId())) {
        return e.childId();
      }
    }
    complete.add(treeId);
    return null;
  }

  /**
   * Drops every marker, durably. gc calls this before it removes anything, so a marker can never
   * outlive its object, even if gc crashes half way; the next checks walk again.
   */
  public void forgetAll() throws IOException {
    KeyValueStore.Batch batch = kv.batch();
    kv.scan(SPACE, new byte[0], (k, v) -> {
      batch.delete(SPACE, k);
      return true;
    });
    batch.commit(true);
  }
}
