package org.casfs.cas.check;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.casfs.cas.Entry;
import org.casfs.cas.Manifest;
import org.casfs.cas.ManifestCodec;
import org.casfs.cas.MissingObjectException;
import org.casfs.cas.ObjectException;
import org.casfs.cas.ObjectId;
import org.casfs.cas.Tree;
import org.casfs.cas.TreeCodec;
import org.casfs.cas.store.ObjectInfo;
import org.casfs.cas.store.ObjectStore;
import org.casfs.cas.store.Sweep;

/**
 * Removes every object that the given roots do not reach.
 *
 * <p>Roots are object ids of any type: manifests (versions to keep: current, previous, staged,
 * pins, the newest N), trees or blobs (open transactions' new objects). A
 * manifest reaches its root tree, a tree its entries' children; a manifest's parent is not
 * followed (history is kept only as far as the roots say).
 *
 * <p>Safety:
 * <ul>
 *   <li>Nothing is removed until marking has finished. If a reachable manifest or tree is missing
 *       or damaged, gc cannot know what it reaches and stops with that object's
 *       {@link org.casfs.cas.ObjectException} before removing anything: run fsck first. A missing
 *       reachable blob is only reported by fsck; gc goes on.
 *   <li>A sweep is opened on the store before marking ({@link ObjectStore#beginSweep()}), so any
 *       object inserted while gc runs, even one the store already held, survives. Objects
 *       inserted before gc started must be reachable from the roots.
 *   <li>Removal deletes index entries (synced) before files, so gc killed at any instant leaves at
 *       worst orphan loose files, which the next gc removes; never a reachable object lost.
 * </ul>
 *
 * <p>Unfinished versions ({@link #unfinished}: a pull that stopped half way, to be resumed) are kept
 * as far as they are stored: their manifest and every stored tree and blob they reach. What they
 * lack is what the pull has still to fetch, not damage, so it does not stop gc.
 *
 * One run per instance; not thread-safe.
 */
public final class Gc {
  private static final int BATCH = 1000;

  private final ObjectStore store;
  private Progress progress = Progress.NONE;
  private RootSource unfinished = List::of;

  public Gc(ObjectStore store) {
    this.store = store;
  }

  public Gc progress(Progress p) {
    this.progress = p == null ? Progress.NONE : p;
    return this;
  }

  /**
   * Manifests of unfinished versions to keep as far as they are stored (downloads in flight),
   * asked once the sweep is open, like the roots.
   */
  public Gc unfinished(RootSource manifests) {
    this.unfinished = manifests;
    return this;
  }

  /** Where roots come from, asked once the sweep is open. */
  @FunctionalInterface
  public interface RootSource {
    Collection<ObjectId> roots() throws IOException;
  }

  /**
   * Marks from {@code roots} and removes the rest. The roots must have been collected while no
   * writer could insert objects they do not reach; otherwise use {@link #run(RootSource)}.
   */
  public GcReport run(Collection<ObjectId> roots) throws IOException {
    List<ObjectId> copy = List.copyOf(roots);
    return run(() -> copy);
  }

  /**
   * Opens the sweep, then asks {@code roots} for the roots, then marks and removes the rest. An
   * object a writer inserts after the roots were collected is protected by the sweep, and one it
   * inserted before is named by the roots: no window between the two.
   */
  public GcReport run(RootSource roots) throws IOException {
    try (Sweep sweep = store.beginSweep()) {
      Set<ObjectId> live = mark(roots.roots());
      markStored(unfinished.roots(), live);
      List<ObjectId> dead = new ArrayList<>();
      long[] kept = {0};
      store.forEach(info -> {
        if (live.contains(info.id())) {
          kept[0]++;
        } else {
          dead.add(info.id());
        }
        return true;
      });
      long removed = 0;
      long bytes = 0;
      progress.update("sweep", 0, dead.size());
      for (int from = 0; from < dead.size(); from += BATCH) {
        List<ObjectInfo> gone = sweep.removeUnprotected(dead.subList(from, Math.min(dead.size(), from + BATCH)));
        removed += gone.size();
        for (ObjectInfo info : gone) {
          bytes += info.size();
        }
        progress.update("sweep", Math.min(dead.size(), from + BATCH), dead.size());
      }
      long orphanBytes = sweep.removeOrphans();
      store.flush();
      return new GcReport(kept[0], removed, bytes, dead.size() - removed, orphanBytes);
    }
  }

  private Set<ObjectId> mark(Collection<ObjectId> roots) throws IOException {
    Set<ObjectId> live = new HashSet<>();
    Deque<ObjectId> trees = new ArrayDeque<>();
    for (ObjectId root : roots) {
      ObjectInfo info = store.statOrNull(root);
      if (info == null) {
        throw new MissingObjectException(root, "gc root (nothing was removed)");
      }
      if (!live.add(root)) {
        continue;
      }
      switch (info.type()) {
        case MANIFEST -> {
          Manifest m = ManifestCodec.decode(root, store.read(root));
          if (live.add(m.rootId())) {
            trees.push(m.rootId());
          }
        }
        case TREE -> trees.push(root);
        case BLOB -> { }
      }
    }
    markTrees(trees, live, false);
    progress.update("mark", live.size(), live.size());
    return live;
  }

  /**
   * Adds to {@code live} what the unfinished versions reach as far as it is stored: a tree or
   * manifest that is missing or does not decode ends the walk there (fsck reports a damaged one).
   */
  private void markStored(Collection<ObjectId> manifests, Set<ObjectId> live) throws IOException {
    Deque<ObjectId> trees = new ArrayDeque<>();
    for (ObjectId id : manifests) {
      ObjectId root = rootTreeOrNull(id);
      live.add(id);
      if (root != null && live.add(root)) {
        trees.push(root);
      }
    }
    markTrees(trees, live, true);
  }

  /**
   * Adds every child of the {@code trees} and their subtrees to {@code live}. A tree that is missing
   * or damaged stops gc ({@link ObjectException}) unless {@code asFarAsStored}, where it ends the walk
   * below it.
   */
  private void markTrees(Deque<ObjectId> trees, Set<ObjectId> live, boolean asFarAsStored) throws IOException {
    long marked = 0;
    while (!trees.isEmpty()) {
      ObjectId id = trees.pop();
      Tree tree = asFarAsStored ? treeOrNull(id) : treeOrThrow(id);
      if (tree == null) {
        continue;
      }
      for (Entry e : tree.entries()) {
        ObjectId child = e.childId();
        if (child != null && live.add(child) && e.isDirectory()) {
          trees.push(child);
        }
      }
      if (++marked % 256 == 0) {
        progress.update("mark", live.size(), -1);
      }
    }
  }

  private Tree treeOrThrow(ObjectId id) throws IOException {
    if (!store.contains(id)) {
      throw new MissingObjectException(id, "reachable tree (nothing was removed; run 'casfs fsck')");
    }
    return TreeCodec.decode(id, store.read(id));
  }

  private ObjectId rootTreeOrNull(ObjectId manifest) throws IOException {
    try {
      return store.contains(manifest) ? ManifestCodec.decode(manifest, store.read(manifest)).rootId() : null;
    } catch (ObjectException e) {
      return null;
    }
  }

  private Tree treeOrNull(ObjectId id) throws IOException {
    try {
      return store.contains(id) ? TreeCodec.decode(id, store.read(id)) : null;
    } catch (ObjectException e) {
      return null;
    }
  }
}
