package org.casfs.sync.server;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.casfs.cas.Entry;
import org.casfs.cas.Manifest;
import org.casfs.cas.ObjectId;
import org.casfs.cas.Tree;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.sync.wire.FetchRequest;

/**
 * Decides what a fetch stream carries: the wanted manifest, then every tree the client lacks in
 * pre-order (a parent always before its children, so the client can check each object against
 * the entry that names it as it arrives), then every blob it lacks, each once. Subtrees that a
 * have-version already contains are skipped whole. Thread-safe (stateless).
 */
final class FetchPlanner {
  /** A blob to send, with the entry at the same path in the client's old version (for deltas). */
  record BlobItem(Entry entry, Entry oldEntryOrNull) {}

  /**
   * @param oldTrees for trees the client lacks: the tree at the same path in the client's first
   *     have-version, when there is one (the base of a tree delta)
   */
  record Plan(ObjectId manifestOrNull, List<ObjectId> trees, Map<ObjectId, ObjectId> oldTrees, List<BlobItem> blobs,
      List<ObjectId> exact) {}

  private final ObjectDatabase db;

  FetchPlanner(ObjectDatabase db) {
    this.db = db;
  }

  Plan plan(FetchRequest req) throws IOException {
    if (!req.need().isEmpty()) {
      List<ObjectId> exact = new ArrayList<>();
      for (ObjectId id : req.need()) {
        if (db.store().contains(id)) {
          exact.add(id);
        }
      }
      return new Plan(null, List.of(), Map.of(), List.of(), exact);
    }
    Set<ObjectId> haveTrees = new HashSet<>();
    Set<ObjectId> haveObjects = new HashSet<>(req.have());
    ObjectId oldRoot = null;
    for (ObjectId v : req.haveVersions()) {
      if (!db.isManifest(v)) {
        continue; // a version this server does not hold tells it nothing
      }
      Manifest m = db.readManifest(v);
      haveObjects.add(v);
      collect(m.rootId(), haveTrees, haveObjects);
      if (oldRoot == null) {
        oldRoot = m.rootId();
      }
    }
    Manifest want = db.readManifest(req.want());
    List<ObjectId> trees = new ArrayList<>();
    List<BlobItem> blobs = new ArrayList<>();
    Map<ObjectId, ObjectId> oldTrees = new HashMap<>();
    Set<ObjectId> seen = new HashSet<>();
    walk(want.rootId(), oldRoot, haveTrees, haveObjects, seen, trees, oldTrees, blobs);
    return new Plan(haveObjects.contains(req.want()) ? null : req.want(), trees, oldTrees, blobs, List.of());
  }

  private void collect(ObjectId tree, Set<ObjectId> trees, Set<ObjectId> objects) throws IOException {
    if (!trees.add(tree)) {
      return;
    }
    objects.add(tree);
    for (Entry e : db.readTree(tree).entries()) {
      if (e.isDirectory()) {
        collect(e.childId(), trees, objects);
      } else if (e.isRegular()) {
        objects.add(e.childId());
      }
    }
  }

  private void walk(ObjectId treeId, ObjectId oldTreeId, Set<ObjectId> haveTrees, Set<ObjectId> have,
      Set<ObjectId> seen, List<ObjectId> trees, Map<ObjectId, ObjectId> oldTrees, List<BlobItem> blobs)
      throws IOException {
    if (haveTrees.contains(treeId) || !seen.add(treeId)) {
      return;
    }
    if (!have.contains(treeId)) {
      trees.add(treeId);
      if (oldTreeId != null) {
        oldTrees.put(treeId, oldTreeId);
      }
    }
    Tree oldTree = oldTreeId == null ? null : db.readTree(oldTreeId);
    for (Entry e : db.readTree(treeId).entries()) {
      Entry old = oldTree == null ? null : oldTree.getOrNull(e.name());
      if (e.isDirectory()) {
        ObjectId oldSub = old != null && old.isDirectory() ? old.childId() : null;
        walk(e.childId(), oldSub, haveTrees, have, seen, trees, oldTrees, blobs);
      } else if (e.isRegular() && !have.contains(e.childId()) && seen.add(e.childId())) {
        blobs.add(new BlobItem(e, old != null && old.isRegular() ? old : null));
      }
    }
  }
}
