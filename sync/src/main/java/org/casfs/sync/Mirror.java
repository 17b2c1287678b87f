package org.casfs.sync;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.casfs.cas.Entry;
import org.casfs.cas.Manifest;
import org.casfs.cas.MissingObjectException;
import org.casfs.cas.ObjectException;
import org.casfs.cas.ObjectId;
import org.casfs.cas.Sizes;
import org.casfs.cas.Tree;
import org.casfs.cas.posix.Posix;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.cas.store.ObjectInfo;
import org.casfs.sync.delta.DeltaStore;
import org.casfs.sync.delta.TreeDeltas;
import org.casfs.sync.trust.SignedHead;
import org.casfs.sync.wire.StaticPaths;

/**
 * Writes the static layout of the offered version, the same paths the server answers, as plain
 * files, so nginx, any CDN or a USB stick can serve it:
 *
 * <pre>
 * DIR/v1/head                    the signed head (written last, so a mirror never names objects it lacks)
 * DIR/v1/objects/ab/ab12…        every object of the version, as its bytes
 * DIR/v1/manifests/{id}.sig      the manifest's signatures
 * DIR/v1/deltas/ab/ab12…-cd34…   deltas, when there are any: tree deltas from the version this
 *                                folder offered before (written here), blob deltas (casfs mirror
 *                                copies the origin's)
 * </pre>
 *
 * Objects and deltas sit in folders named by their first two digits ({@link StaticPaths}): a FAT32
 * USB stick takes at most 13,107 of them in one folder.
 *
 * Re-running adds what is new and rewrites objects that are not whole there (a file of another
 * size than the object, as a write cut short leaves it; with {@code verify}, also one whose bytes
 * hash wrong, as a failing USB stick leaves it). Once the new head is written, what neither it nor
 * the version the folder offered before needs is removed ({@link MirrorPrune}), so a stick mirrored
 * to every month holds two versions, not all of them. Before writing, the objects to write are
 * summed in whole blocks of the mirror's file system and checked against its free space; if only
 * older versions' objects stand in the way, they and the old head go first. Each file is
 * written to a temporary name and renamed; the objects are synced to disk before the head that
 * names them is written, and the head is synced too, so the disk may be removed once
 * {@code write} returns. Not thread-safe.
 */
public final class Mirror {
  /** Free space a mirror leaves on its disk beyond what it writes (directories, the file system's own). */
  static final long SPARE_BYTES = 1 << 20;

  private final ObjectDatabase db;
  private final SyncState state;
  private DeltaStore deltas;

  public Mirror(ObjectDatabase db, SyncState state) {
    this.db = db;
    this.state = state;
  }

  /** What a mirror run wrote, and what of older versions it removed. */
  public record Result(ObjectId manifest, long objectsWritten, long objectsSkipped, long bytesWritten,
      int treeDeltasWritten, int blobDeltasWritten, long filesRemoved, long bytesFreed) {}

  /** Blob deltas to copy into the mirror (those to the offered version's blobs). */
  public Mirror deltasFrom(DeltaStore store) {
    this.deltas = store;
    return this;
  }

  public Result write(Path dir) throws IOException {
    return write(dir, false);
  }

  /** Writes the offered version into {@code dir}; {@code verify} re-hashes the objects already there. */
  public Result write(Path dir, boolean verify) throws IOException {
    SignedHead head = state.offeredHeadOrNull();
    if (head == null) {
      throw new IOException("this repository offers no signed version; run 'casfs sign VERSION' first");
    }
    ObjectId want = head.headUnverified().manifestId();
    Path v1 = dir.resolve("v1");
    Path headFile = v1.resolve("head");
    Path objects = dir.resolve(StaticPaths.OBJECTS);
    MirrorFiles.createFolder(v1); // each level checked before the next is made in it
    MirrorFiles.createFolder(objects);
    MirrorFiles.createFolder(v1.resolve("manifests"));
    MirrorFiles.createFolder(dir.resolve(StaticPaths.DELTAS));
    Set<ObjectId> ids = new LinkedHashSet<>();
    ids.add(want);
    Manifest m = db.readManifest(want);
    collect(m.rootId(), ids);
    List<ObjectInfo> toWrite = new ArrayList<>();
    long bytes = 0;
    FileStore disk = Files.getFileStore(objects);
    long block = blockSize(disk);
    for (ObjectId id : ids) {
      ObjectInfo info = db.store().statOrNull(id);
      if (info == null) {
        throw new MissingObjectException(id, "object of the offered version " + want.name() + ",");
      }
      if (!MirrorFiles.isWhole(dir.resolve(StaticPaths.object(id)), info, verify)) {
        toWrite.add(info);
        bytes += (info.size() + block - 1) / block * block; // what it takes on the disk: whole blocks
      }
    }
    checkFileSizes(disk.type(), toWrite, want);
    ObjectId before = mirroredBeforeOrNull(headFile);
    MirrorPrune.Freed freed = makeRoom(dir, disk, want, ids, bytes, block);
    long written = 0;
    for (ObjectInfo info : toWrite) {
      written += copy(info.id(), dir);
    }
    int treeDeltas = 0;
    if (before != null && !before.equals(want) && db.isManifest(before)) {
      treeDeltas = writeTreeDeltas(db.readManifest(before).rootId(), m.rootId(), dir, new HashSet<>());
    }
    int blobDeltas = deltas == null ? 0 : writeDeltas(deltas, dir, ids);
    byte[] sig = state.manifestSignatureFileOrNull(want);
    if (sig != null) {
      MirrorFiles.writeAtomically(v1.resolve("manifests").resolve(want.name() + ".sig"), sig);
    }
    sync(dir); // what the head names is on the disk before the head is
    MirrorFiles.writeAtomically(headFile, head.encode());
    sync(dir);
    // What neither this version nor the one the folder offered until now needs (a client may be
    // pulling that one from it right now) goes.
    freed = freed.plus(MirrorPrune.prune(dir, stillNeeded(ids, want, before)));
    sync(dir);
    return new Result(want, toWrite.size(), ids.size() - toWrite.size(), written, treeDeltas, blobDeltas,
        freed.files(), freed.bytes());
  }

  /**
   * Checks that {@code bytes} more fit on the mirror's disk. A stick full of older versions: what
   * the new version does not need goes first, and the head with it, so that the folder never
   * names objects it lacks. If even that is not enough, nothing is removed and the run is refused.
   */
  private static MirrorPrune.Freed makeRoom(Path dir, FileStore disk, ObjectId want, Set<ObjectId> ids, long bytes,
      long block) throws IOException {
    long free = disk.getUsableSpace();
    if (bytes + SPARE_BYTES <= free) {
      return new MirrorPrune.Freed(0, 0);
    }
    long reclaimable = MirrorPrune.reclaimable(dir, ids, block);
    if (bytes + SPARE_BYTES > free + reclaimable) {
      throw new IOException("the mirror " + dir.toAbsolutePath() + " needs " + Sizes.bytes(bytes)
          + " more for version " + want.name() + " and its disk has " + Sizes.bytes(free) + " free ("
          + Sizes.bytes(free + reclaimable) + " without the older versions there); free space there or mirror"
          + " to a larger disk (no object was written)");
    }
    Files.deleteIfExists(dir.resolve("v1/head"));
    sync(dir);
    MirrorPrune.Freed freed = MirrorPrune.prune(dir, ids);
    sync(dir);
    return freed;
  }

  /** The offered version's objects, and those of the version the folder offered before if the store still has them. */
  private Set<ObjectId> stillNeeded(Set<ObjectId> ids, ObjectId want, ObjectId before) throws IOException {
    if (before == null || before.equals(want) || !db.isManifest(before)) {
      return ids;
    }
    Set<ObjectId> keep = new HashSet<>(ids);
    keep.add(before);
    try {
      collect(db.readManifest(before).rootId(), keep);
    } catch (ObjectException e) {
      return ids; // its trees are gone from the store: its clients are served by the new head
    }
    return keep;
  }

  /**
   * Copies the deltas {@code store} holds to blobs of this version ({@code v1/deltas/ab/}), and
   * again those there of another size (a copy cut short); returns how many it wrote.
   */
  private static int writeDeltas(DeltaStore store, Path dir, Set<ObjectId> ids) throws IOException {
    int written = 0;
    for (String name : store.deltaNames()) {
      StaticPaths.DeltaName delta = StaticPaths.DeltaName.parseOrNull(name);
      if (delta == null || !ids.contains(delta.to())) {
        continue;
      }
      Path to = dir.resolve(StaticPaths.DELTAS).resolve(StaticPaths.fannedOut(name));
      Path from = store.dir().resolve(name);
      if (!Files.exists(from) || Files.exists(to) && Files.size(to) == Files.size(from)) {
        continue;
      }
      MirrorFiles.createFolder(to.getParent());
      try (InputStream in = Files.newInputStream(from)) {
        MirrorFiles.copyAtomically(in, to);
      }
      written++;
    }
    return written;
  }

  /** The largest file FAT32 (and FAT16) holds: 4 GiB less one byte. */
  static final long FAT_MAX_FILE = 0xFFFF_FFFFL;

  /**
   * Refuses, before anything is written, an object too large for a file on the mirror's file
   * system: FAT32, which most USB sticks come with, holds files up to 4 GiB less one byte (a VM
   * image, a large database in a version), and the write would fail part way through.
   */
  static void checkFileSizes(String fileSystemType, List<ObjectInfo> toWrite, ObjectId version) throws IOException {
    if (!fileSystemType.equals("vfat") && !fileSystemType.equals("msdos")) {
      return;
    }
    for (ObjectInfo o : toWrite) {
      if (o.size() > FAT_MAX_FILE) {
        throw new IOException("object " + o.id().name() + " of version " + version.name() + " is " + Sizes.bytes(o.size())
            + ", larger than a file on this FAT32 disk can be (4 GiB); format the stick as exFAT or ext4, or mirror to"
            + " another disk (no object was written)");
      }
    }
  }

  /** Makes everything written to the mirror's file system durable (one {@code syncfs}). */
  public static void sync(Path dir) throws IOException {
    Posix.syncfs(Posix.bytes(dir.toAbsolutePath()));
  }

  /** The allocation unit of the mirror's file system (a FAT stick's cluster may be 32 KiB); 4 KiB if unknown. */
  private static long blockSize(FileStore disk) {
    try {
      return Math.max(512, disk.getBlockSize());
    } catch (IOException | UnsupportedOperationException e) {
      return 4096;
    }
  }

  /**
   * The version this folder offered before this run (its clients run it): tree deltas from it
   * let them fetch changed trees small. Null if there is none or the head is unreadable.
   */
  private static ObjectId mirroredBeforeOrNull(Path head) {
    try {
      if (!Files.isRegularFile(head)) {
        return null;
      }
      try (InputStream in = Files.newInputStream(head)) {
        return SignedHead.parse(in.readNBytes(SignedHead.MAX_BYTES + 1)).headUnverified().manifestId();
      }
    } catch (IOException | RuntimeException e) {
      return null; // only a hint for deltas; the new head replaces it anyway
    }
  }

  /**
   * Writes the delta {@code {old}-{new}} for each tree of the new version that differs from the
   * tree at the same path in the old one, where the tree delta is smaller than the tree.
   */
  private int writeTreeDeltas(ObjectId oldTree, ObjectId newTree, Path dir, Set<ObjectId> seen) throws IOException {
    if (oldTree.equals(newTree) || !seen.add(newTree)) {
      return 0;
    }
    int written = 0;
    Path target = dir.resolve(StaticPaths.delta(oldTree, newTree));
    if (!Files.exists(target)) {
      byte[] payload = TreeDeltas.betweenOrNull(db.store(), oldTree, newTree);
      if (payload != null) {
        MirrorFiles.createFolder(target.getParent());
        MirrorFiles.writeAtomically(target, payload);
        written++;
      }
    }
    Tree old = db.readTree(oldTree);
    for (Entry e : db.readTree(newTree).entries()) {
      Entry o = old.getOrNull(e.name());
      if (e.isDirectory() && o != null && o.isDirectory()) {
        written += writeTreeDeltas(o.childId(), e.childId(), dir, seen);
      }
    }
    return written;
  }

  /** The version's trees and blobs, each once, parents first. */
  private void collect(ObjectId tree, Set<ObjectId> ids) throws IOException {
    if (!ids.add(tree)) {
      return;
    }
    for (Entry e : db.readTree(tree).entries()) {
      if (e.isDirectory()) {
        collect(e.childId(), ids);
      } else if (e.isRegular()) {
        ids.add(e.childId());
      }
    }
  }

  /** Copies one object through the store's verifying read (a damaged object is never copied out). */
  private long copy(ObjectId id, Path dir) throws IOException {
    Path target = dir.resolve(StaticPaths.object(id));
    MirrorFiles.createFolder(target.getParent());
    try (InputStream in = db.store().open(id)) {
      return MirrorFiles.copyAtomically(in, target);
    }
  }
}
