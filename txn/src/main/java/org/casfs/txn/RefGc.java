package org.casfs.txn;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.casfs.cas.ObjectId;
import org.casfs.cas.check.Gc;
import org.casfs.cas.check.GcReport;
import org.casfs.cas.check.Progress;
import org.casfs.cas.store.KeyValueStore;

/**
 * gc with refs: collects the root set and runs the cas {@link Gc}. Kept: {@code current},
 * {@code previous}, {@code staged}, every pin, the newest N versions ({@code RepoConfig.keepVersions}),
 * everything the open transaction needs (its base and every base tree and blob its upper layer
 * still names, grafted import trees included), and any extra roots the caller names (what a
 * daemon's users hold open). Unfinished versions the caller names ({@link #unfinished}: a pull in
 * flight) keep what of them is stored, so a pull stopped by a full disk or a power cut resumes
 * where it stopped after gc made room. Labels alone keep nothing.
 *
 * <p>Crash safety comes from {@link Gc} (nothing removed before marking ends; index entries go
 * before files) and from the order here: completeness markers are dropped before anything is
 * removed, so a marker never outlives its object; versions to be removed leave the version
 * index (and lose their labels) before anything is removed. Not thread-safe; run it while no import is in progress.
 */
public final class RefGc {
  private final Versions versions;
  private Progress progress = Progress.NONE;
  private Gc.RootSource unfinished = List::of;
  private final Map<ObjectId, String> removedVersions = new LinkedHashMap<>();

  public RefGc(Versions versions) {
    this.versions = versions;
  }

  public RefGc progress(Progress p) {
    this.progress = p == null ? Progress.NONE : p;
    return this;
  }

  /** Manifests of unfinished versions (downloads in flight), asked once gc's sweep is open. */
  public RefGc unfinished(Gc.RootSource manifests) {
    this.unfinished = manifests;
    return this;
  }

  /** The ids gc keeps as roots (manifests, and trees/blobs of the open transaction). */
  public Set<ObjectId> roots() throws IOException {
    Refs refs = versions.refs();
    Set<ObjectId> roots = new LinkedHashSet<>();
    for (String ref : List.of(Refs.CURRENT, Refs.PREVIOUS, Refs.STAGED)) {
      ObjectId id = refs.getOrNull(ref);
      if (id != null) {
        roots.add(id);
      }
    }
    roots.addAll(refs.pins().values());
    List<ObjectId> newest = refs.versionsNewestFirst();
    roots.addAll(newest.subList(0, Math.min(newest.size(), versions.repository().config().keepVersions())));
    Transaction t = versions.transactions().openOrNull();
    if (t != null) {
      synchronized (t) {
        if (t.base() != null) {
          roots.add(t.base());
        }
        collect(t.layer.root, roots, new IdentityHashMap<>());
      }
    }
    return roots;
  }

  private static void collect(Node n, Set<ObjectId> roots, IdentityHashMap<Node, Boolean> seen) {
    if (seen.put(n, Boolean.TRUE) != null) {
      return;
    }
    if (n.blob != null && n.data < 0) {
      roots.add(n.blob.id());
    }
    if (n.baseTree != null) {
      roots.add(n.baseTree.id());
    }
    if (n.children != null) {
      for (Node c : n.children.values()) {
        collect(c, roots, seen);
      }
    }
  }

  /**
   * The versions the last {@link #run} removed from the version index (their objects went unless
   * something kept still shares them), newest first, each with its label ("" if none).
   */
  public Map<ObjectId, String> removedVersions() {
    return Collections.unmodifiableMap(removedVersions);
  }

  private String labelOrEmpty(ObjectId version) {
    try {
      return versions.repository().objectDatabase().readManifest(version).label();
    } catch (IOException e) {
      return ""; // a damaged or missing manifest: gc goes on, fsck names it
    }
  }

  public GcReport run(Collection<ObjectId> extraRoots) throws IOException {
    removedVersions.clear();
    Set<ObjectId> roots = roots();
    roots.addAll(extraRoots);
    // Names go before objects: versions about to be removed leave the index (and lose their
    // labels) durably first, so no name ever outlives its version, whenever gc is killed.
    List<ObjectId> doomed = new ArrayList<>();
    for (ObjectId v : versions.refs().versionsNewestFirst()) {
      if (!roots.contains(v)) {
        doomed.add(v);
      }
    }
    for (ObjectId labelled : versions.refs().labels().values()) {
      if (!roots.contains(labelled) && !doomed.contains(labelled)) {
        doomed.add(labelled);
      }
    }
    for (ObjectId v : doomed) {
      removedVersions.put(v, labelOrEmpty(v));
    }
    if (!doomed.isEmpty()) {
      KeyValueStore.Batch batch = versions.repository().kv().batch();
      versions.refs().unregisterVersions(batch, doomed);
      batch.commit(true);
    }
    versions.completeness().forgetAll();
    // Roots are collected again once the sweep is open, so an object inserted meanwhile (a pull,
    // a transaction write) is either named by them or protected by the sweep.
    return new Gc(versions.repository().objects()).progress(progress).unfinished(unfinished).run(() -> {
      Set<ObjectId> live = roots();
      live.addAll(extraRoots);
      return live;
    });
  }
}
