package org.casfs.sync.pull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.casfs.cas.CorruptObjectException;
import org.casfs.cas.Manifest;
import org.casfs.cas.ObjectId;
import org.casfs.cas.Sizes;
import org.casfs.cas.store.ObjectDatabase;

/**
 * What the ways of fetching a version ({@link FetchStream}, {@link ObjectByObject}) share within one
 * pull or repair: the store and the checks every object passes before it is stored, the prefixes
 * of large blobs kept across broken transfers, the frame decoders, the refs, the free disk, and
 * the memory trees may take ({@link TreeBytes}).
 */
record PullParts(ObjectDatabase db, CheckedWrites checked, PartialBlobs partials,
    Map<Integer, ExtensionFrameDecoder> decoders, PerObjectDeltas perObjectDeltas, VersionRefs refs, PullConfig config,
    Path diskPath, PullListener listener, TreeBytes trees) {
  static final int MAX_MANIFEST_BYTES = 1 << 20;
  static final int MAX_TREE_BYTES = TreeBytes.MAX;

  /** What of version {@code manifestId} the store holds and lacks. */
  Inventory inventory(ObjectId manifestId) throws IOException {
    if (!db.store().contains(manifestId)) {
      return Inventory.of(db, false, null);
    }
    Manifest m = db.readManifest(manifestId);
    return Inventory.of(db, true, m.root());
  }

  /** Refuses to begin on the blobs when the disk cannot take what {@code inv} lacks, plus the reserve. */
  void checkDisk(Inventory inv, PullRun run) throws IOException {
    long free = Files.getFileStore(diskPath).getUsableSpace();
    if (inv.missingBlobBytes + config.diskReserveBytes() > free) {
      long stored = run.objectsDone();
      throw new PullException(PullException.Kind.NO_SPACE, "the version needs " + Sizes.bytes(inv.missingBlobBytes)
          + " more but " + diskPath + " has only " + Sizes.bytes(free) + " free (keeping "
          + Sizes.bytes(config.diskReserveBytes()) + " in reserve); free some space (casfs gc) and pull again; "
          + (stored == 0 ? "nothing was downloaded"
              : "the " + stored + " objects this pull stored are kept, so it goes on where it stopped"), null);
    }
  }

  /**
   * Stores a blob from {@code in}; a large one keeps the prefix received so far in
   * {@link PartialBlobs} until it is stored, so a broken transfer resumes where it stopped.
   */
  void storeKeepingPrefix(Inventory.Need need, InputStream in) throws IOException {
    if (!partials.keeps(need.size())) {
      checked.blob(need, in);
      return;
    }
    ObjectId id = need.hashes().id();
    try (InputStream recorded = partials.recording(id, in, false)) {
      checked.blob(need, recorded);
    } catch (CorruptObjectException e) {
      partials.drop(id);
      throw e;
    }
    partials.drop(id);
  }
}
