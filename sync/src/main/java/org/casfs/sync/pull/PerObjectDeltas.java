package org.casfs.sync.pull;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.casfs.cas.Hashes;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.cas.store.ObjectReader;

/**
 * Lets the object-by-object path of a pull (static mirrors over HTTP, mirror folders) rebuild
 * blobs from the deltas the source publishes ({@link Source#deltaOrNull}) instead of fetching
 * them whole. The rebuilt bytes are verified by the puller against the tree entry like any blob.
 * Implementations are thread-safe (blobs are fetched in parallel).
 */
public interface PerObjectDeltas {
  /**
   * For the files of {@code newVersion} changed since {@code oldVersion} (every tree of both is
   * in {@code db}): new blob id to the old blob id this machine holds to rebuild it from.
   */
  Map<ObjectId, ObjectId> bases(ObjectDatabase db, ObjectId oldVersion, ObjectId newVersion) throws IOException;

  /**
   * The blob {@code newBlob} rebuilt from a whole delta file and the old blob in {@code local},
   * verified (SHA-1 and SHA-256); a delta that cannot be used is an
   * {@link org.casfs.cas.ObjectException} (the caller fetches the whole blob).
   */
  InputStream rebuild(Hashes newBlob, long size, byte[] delta, ObjectReader local) throws IOException;

  /**
   * The bytes of the tree {@code tree} rebuilt from a tree-delta file (a static mirror writes them
   * for the version it mirrored before) and the old tree in {@code local}, verified (SHA-1 and
   * SHA-256); an unusable one is an {@link org.casfs.cas.ObjectException} (the tree is fetched whole).
   */
  byte[] rebuildTree(Hashes tree, byte[] delta, ObjectReader local) throws IOException;
}
