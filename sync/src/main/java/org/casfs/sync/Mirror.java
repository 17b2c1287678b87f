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
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.sync.trust.SignedHead;

/**
 * Writes the static layout of the offered version, the same paths the server answers, as plain
 * files, so nginx, any CDN or a USB stick can serve it:
 *
 * <pre>
 * DIR/v1/head                    the signed head (written last, so a mirror never names objects it lacks)
 * DIR/v1/objects/{id}            every object of the version, as its bytes
 * DIR/v1/manifests/{id}.sig      the manifest's signatures
 * DIR/v1/deltas/                 deltas, when there are any
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
  public record Result(ObjectId manifest, long objectsWritten, long objectsSkipped, long bytesWritten) {}

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
    byte[] sig = state.manifestSignatureFileOrNull(want);
    if (sig != null) {
      writeAtomically(v1.resolve("manifests").resolve(want.name() + ".sig"), sig);
    }
    writeAtomically(v1.resolve("head"), head.encode());
    return new Result(want, counts[0], counts[1], counts[2]);
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
