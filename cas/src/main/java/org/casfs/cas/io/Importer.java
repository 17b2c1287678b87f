package org.casfs.cas.io;

import java.io.IOException;
import java.nio.file.Path;
import org.casfs.cas.posix.Posix;
import org.casfs.cas.store.ObjectDatabase;

/**
 * Imports a directory tree of the real file system into a store, exactly: file bytes, type, all
 * permission bits (setuid, setgid, sticky too), owner, group, mtime in nanoseconds, symlink
 * targets, hardlinks, extended attributes of every namespace root can read, device nodes, fifos
 * and sockets. Names are taken as raw bytes, whatever their encoding.
 *
 * <p>Identical contents are stored once; files are read and hashed on all cores with bounded
 * memory (large files stream). With a stat cache (see {@link ImportOptions}) unchanged files are
 * not read again, and unchanged directories give the same tree ids as before.
 *
 * <p>The import writes blobs and trees only: no manifest, no ref. The caller makes the
 * manifest from {@link ImportResult#root()} and {@link ImportResult#rootMeta()}, after
 * {@link org.casfs.cas.store.ObjectInserter#flush()} if it must be durable. Any file that cannot
 * be read, or that changes while it is read, fails the import with one {@link IOException}
 * naming its path; what was stored meanwhile is unreferenced and left for gc.
 *
 * <p>Thread-safe: each call is independent.
 */
public final class Importer {
  private final ObjectDatabase db;

  public Importer(ObjectDatabase db) {
    this.db = db;
  }

  /** Imports {@code dir} (a directory; a symlink to one is refused, resolve it first). */
  public ImportResult importDirectory(Path dir, ImportOptions options, ProgressListener progress)
      throws IOException {
    byte[] root = Posix.bytes(dir.toAbsolutePath().normalize());
    return new ImportRun(db, root, options, progress == null ? ProgressListener.NONE : progress).run();
  }
}
