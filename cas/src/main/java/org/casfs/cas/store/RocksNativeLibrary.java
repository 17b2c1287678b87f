package org.casfs.cas.store;

import java.io.IOException;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;
import org.casfs.cas.nativelib.UnpackedLibraries;
import org.rocksdb.RocksDB;
import org.rocksdb.util.Environment;

/**
 * Loads RocksDB's native library. {@link RocksDB#loadLibrary()} unpacks the 17 MB library from
 * its jar into the temp directory on every start (measured: 3–4.5 s of a CLI command's wall time
 * on a busy machine, 0.1–0.2 s when loaded from a file). So it is unpacked once into a per-user
 * cache ({@link UnpackedLibraries}) and loaded from there. If anything about the cache fails, the
 * library's own loader runs as before.
 */
final class RocksNativeLibrary {
  private RocksNativeLibrary() {}

  static void load() {
    try {
      URL url = RocksDB.class.getClassLoader().getResource(Environment.getJniLibraryFileName("rocksdb"));
      if (url != null) {
        // The file name loadLibrary(paths) looks for (it differs from the jar entry's name).
        Path lib = UnpackedLibraries.unpacked(url, "rocksdbjni", Environment.getJniLibraryFileName("rocksdbjni"));
        RocksDB.loadLibrary(List.of(lib.getParent().toString()));
        return;
      }
    } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
      // fall through to the library's own loader
    }
    RocksDB.loadLibrary();
  }
}
