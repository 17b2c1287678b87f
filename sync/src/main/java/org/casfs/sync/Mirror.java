package org.casfs.sync;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.Set;
import org.casfs.cas.Entry;
import org.casfs.cas.Manifest;
import org.casfs.cas.ObjectId;
import org.casfs.cas.Tree;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.sync.delta.TreeDeltas;
import org.casfs.sync.trust.SignedHead;

/**
 * Writes the static layout of the offered version, the same paths the server answers, as plain
 * files, so nginx, any CDN or a USB stick can serve it:
 *
 * <pre>
 * DIR/v1/head                    the signed head (written last, so a mirror never names objects it lacks)
 * DIR/v1/objects/{id}            every object of the version, as its bytes
 * DIR/v1/manifests/{id}.sig      the manifest's signatures
 * DIR/v1/deltas/                 deltas, when there are any: tree deltas from the version this
 *                                folder offered before (written here), blob deltas (casfs mirror
 *                                copies the origin's)
 * </pre>
 *
 * Re-running adds what is new and skips objects already there (an object file never changes).
 * Each file is written to a temporary name and renamed. Not thread-safe.
 */
public final class Mirror {
  private final ObjectDatabase db;
  private final SyncState state;

  public Mirror(ObjectDatabase db, SyncState state) {
    this.db = db;
    this.state = state;
  }

  /** What a mirror run wrote. */
  public record Result(ObjectId manifest, long objectsWritten, long objectsSkipped, long bytesWritten,
      int treeDeltasWritten) {}

  public Result write(Path dir) throws IOException {
    SignedHead head = state.offeredHeadOrNull();
    if (head == null) {
      throw new IOException("this repository offers no signed version; run 'casfs sign VERSION' first");
    }
    ObjectId want = head.headUnverified().manifestId();
    Path v1 = dir.resolve("v1");
    Path objects = v1.resolve("objects");
    Files.createDirectories(objects);
    Files.createDirectories(v1.resolve("manifests"));
    Files.createDirectories(v1.resolve("deltas"));
    long[] counts = new long[3];
    Set<ObjectId> seen = new HashSet<>();
    copy(want, objects, counts);
    Manifest m = db.readManifest(want);
    walk(m.rootId(), objects, seen, counts);
    int treeDeltas = 0;
    ObjectId before = mirroredBeforeOrNull(v1.resolve("head"));
    if (before != null && !before.equals(want) && db.isManifest(before)) {
      treeDeltas = writeTreeDeltas(db.readManifest(before).rootId(), m.rootId(), v1.resolve("deltas"), new HashSet<>());
    }
    byte[] sig = state.manifestSignatureFileOrNull(want);
    if (sig != null) {
      writeAtomically(v1.resolve("manifests").resolve(want.name() + ".sig"), sig);
    }
    writeAtomically(v1.resolve("head"), head.encode());
    return new Result(want, counts[0], counts[1], counts[2], treeDeltas);
  }

  /**
   * The version this folder offered before this run (its clients run it): tree deltas from it
   * let them fetch changed trees small. Null if there is none or the head is unreadable.
   */
  private static ObjectId mirroredBeforeOrNull(Path head) {
    try {
      return Files.isRegularFile(head) ? SignedHead.parse(Files.readAllBytes(head)).headUnverified().manifestId() : null;
    } catch (IOException | RuntimeException e) {
      return null; // only a hint for deltas; the new head replaces it anyway
    }
  }

  /**
   * Writes {@code deltas/{old}-{new}} for each tree of the new version that differs from the tree
   * at the same path in the old one, where the tree delta is smaller than the tree.
   */
  private int writeTreeDeltas(ObjectId oldTree, ObjectId newTree, Path deltas, Set<ObjectId> seen) throws IOException {
    if (oldTree.equals(newTree) || !seen.add(newTree)) {
      return 0;
    }
    int written = 0;
    Path target = deltas.resolve(oldTree.name() + "-" + newTree.name());
    if (!Files.exists(target)) {
      byte[] payload = TreeDeltas.betweenOrNull(db.store(), oldTree, newTree);
      if (payload != null) {
        writeAtomically(target, payload);
        written++;
      }
    }
    Tree old = db.readTree(oldTree);
    for (Entry e : db.readTree(newTree).entries()) {
      Entry o = old.getOrNull(e.name());
      if (e.isDirectory() && o != null && o.isDirectory()) {
        written += writeTreeDeltas(o.childId(), e.childId(), deltas, seen);
      }
    }
    return written;
  }

  private void walk(ObjectId tree, Path objects, Set<ObjectId> seen, long[] counts) throws IOException {
    if (!seen.add(tree)) {
      return;
    }
    copy(tree, objects, counts);
    for (Entry e : db.readTree(tree).entries()) {
      if (e.isDirectory()) {
        walk(e.childId(), objects, seen, counts);
      } else if (e.isRegular() && seen.add(e.childId())) {
        copy(e.childId(), objects, counts);
      }
    }
  }

  private void copy(ObjectId id, Path objects, long[] counts) throws IOException {
    Path target = objects.resolve(id.name());
    if (Files.exists(target)) {
      counts[1]++;
      return;
    }
    Path tmp = objects.resolve("." + id.name() + ".tmp");
    // The store's verifying read: a damaged object is never copied out.
    try (InputStream in = db.store().open(id)) {
      counts[2] += Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    counts[0]++;
  }

  private static void writeAtomically(Path target, byte[] bytes) throws IOException {
    Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
    Files.write(tmp, bytes);
    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }
}
