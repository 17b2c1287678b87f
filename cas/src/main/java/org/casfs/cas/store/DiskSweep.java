package org.casfs.cas.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.casfs.cas.ObjectId;

/**
 * A gc removal session on a {@link DiskObjectStore} (see {@link Sweep}): indexed objects go
 * through the store's batch removal, and loose files no index entry names are deleted here, both
 * only for ids the {@link InsertGuard} leaves unprotected. Opening it opens the guard's sweep;
 * closing it (once or more) closes that. Not thread-safe, like every {@link Sweep}.
 */
final class DiskSweep implements Sweep {
  private final DiskObjectStore store;
  private final InsertGuard guard;
  private final InsertGuard.OpenSweep open;

  /** @throws IllegalStateException if a sweep is already open on the guard */
  DiskSweep(DiskObjectStore store, InsertGuard guard) {
    this.store = store;
    this.guard = guard;
    this.open = guard.openSweep();
  }

  @Override
  public List<ObjectInfo> removeUnprotected(Collection<ObjectId> ids) throws IOException {
    return guard.removeUnprotected(ids, store::removeBatch);
  }

  @Override
  public long removeOrphans() throws IOException {
    List<Path> orphans = new ArrayList<>();
    store.forEachOrphan(orphans::add);
    Map<ObjectId, Path> byId = new HashMap<>();
    for (Path f : orphans) {
      String hex = f.getParent().getFileName().toString() + f.getFileName();
      if (ObjectId.isValid(hex)) {
        byId.put(ObjectId.fromString(hex), f);
      }
      // Files whose names are no object id are not ours to judge; fsck reports them.
    }
    return guard.removeUnprotected(byId.keySet(), free -> {
      long bytes = 0;
      for (ObjectId id : free) {
        Path f = byId.get(id);
        // Still unindexed now that inserts are held off, and the file really is this id's place.
        if (store.statOrNull(id) == null && f.equals(store.loosePath(id))) {
          bytes += deleteCountingBytes(f);
        }
      }
      return bytes;
    });
  }

  /** Deletes the file; returns its size, or 0 if it was removed meanwhile. */
  private static long deleteCountingBytes(Path f) throws IOException {
    try {
      long size = Files.size(f);
      Files.delete(f);
      return size;
    } catch (NoSuchFileException gone) {
      return 0;
    }
  }

  @Override
  public void close() {
    open.close();
  }
}
