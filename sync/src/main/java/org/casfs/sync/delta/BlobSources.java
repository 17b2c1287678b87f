package org.casfs.sync.delta;

import java.io.IOException;
import java.nio.file.Path;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.DiskObjectStore;
import org.casfs.cas.store.ObjectReader;

/** Opens a stored blob for the engines: loose files by positional reads, small ones in memory. */
final class BlobSources {
  /** Blobs up to this size are read whole (verified by the store) rather than by range. */
  static final long IN_MEMORY = 64L << 20;

  private BlobSources() {}

  static BlobSource open(ObjectReader store, ObjectId id, long size) throws IOException {
    if (size > IN_MEMORY && store instanceof DiskObjectStore disk) {
      Path loose = disk.loosePathOrNull(id);
      if (loose != null) {
        // Range reads skip the store's read-time check; every delta made from it is verified by
        // whoever applies it against the new blob's SHA-1 and SHA-256.
        return BlobSource.open(loose);
      }
    }
    if (size > Integer.MAX_VALUE - 8) {
      throw new IOException("blob " + id + " of " + size + " bytes is not a loose file; cannot read it by range");
    }
    return BlobSource.of(store.read(id));
  }
}
