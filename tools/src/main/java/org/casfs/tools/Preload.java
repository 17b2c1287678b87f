package org.casfs.tools;

import org.casfs.cas.DualDigest;
import org.casfs.cas.store.Repository;
import org.casfs.sync.ZstdLibrary;

/**
 * Start-up work every local repository command needs, done on the second core while the first
 * parses the command line: RocksDB's and zstd's native libraries, the libc binding jnr-ffi
 * generates, and a few hundred KiB of SHA-1/SHA-256 so that the digest loops reach C2 and its SHA intrinsics
 * before the first real object is hashed (the launcher lowers their compile threshold). A daemon
 * thread: it never keeps the JVM alive, and whatever it has not finished the command does itself.
 */
final class Preload {
  private static final int WARM_BYTES = 512 * 1024;
  private static final int CHUNK = 16 * 1024;

  private Preload() {}

  static void start() {
    Thread t = new Thread(Preload::run, "casfs-preload");
    t.setDaemon(true);
    t.start();
  }

  private static void run() {
    Repository.preloadNativeLibraries();
    try {
      ZstdLibrary.load();
    } catch (RuntimeException | LinkageError e) {
      // reported, with its context, by the first real use
    }
    byte[] chunk = new byte[CHUNK];
    for (int done = 0; done < WARM_BYTES; done += CHUNK) {
      DualDigest d = new DualDigest();
      d.update(chunk, 0, CHUNK);
      d.finish();
    }
  }
}
