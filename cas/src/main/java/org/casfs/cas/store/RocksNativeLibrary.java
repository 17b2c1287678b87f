package org.casfs.cas.store;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.rocksdb.RocksDB;
import org.rocksdb.util.Environment;

/**
 * Loads RocksDB's native library. {@link RocksDB#loadLibrary()} unpacks the 17 MB library from
 * its jar into the temp directory on every start (measured: 3–4.5 s of a CLI command's wall time
 * on a busy machine, 0.1–0.2 s when loaded from a file). So it is unpacked once into a per-user
 * cache ({@code $XDG_CACHE_HOME/casfs} or {@code ~/.cache/casfs}, mode 0700), in a directory named
 * after the jar it came from, written to a temporary name and renamed when complete, and loaded
 * from there. If anything about the cache fails, the library's own loader runs as before.
 */
final class RocksNativeLibrary {
  private RocksNativeLibrary() {}

  static void load() {
    try {
      URL url = RocksDB.class.getClassLoader().getResource(Environment.getJniLibraryFileName("rocksdb"));
      if (url != null) {
        Path dir = cacheDir(url);
        // The file name loadLibrary(paths) looks for (it differs from the jar entry's name).
        Path lib = dir.resolve(Environment.getJniLibraryFileName("rocksdbjni"));
        URLConnection conn = url.openConnection();
        long size = conn.getContentLengthLong();
        if (!Files.isRegularFile(lib) || Files.size(lib) != size) {
          unpack(conn, dir, lib);
        }
        RocksDB.loadLibrary(List.of(dir.toString()));
        return;
      }
    } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
      // fall through to the library's own loader
    }
    RocksDB.loadLibrary();
  }

  private static Path cacheDir(URL url) throws IOException {
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
    // The jar's path names the RocksDB version; its hash keeps the directory name short and safe.
    String jar = url.toString();
    int bang = jar.indexOf('!');
    String key = Integer.toHexString((bang > 0 ? jar.substring(0, bang) : jar).hashCode());
    Path dir = base.resolve("casfs").resolve("rocksdbjni-" + key);
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    return dir;
  }

  private static void unpack(URLConnection conn, Path dir, Path lib) throws IOException {
    Path tmp = Files.createTempFile(dir, "unpacking-", ".so");
    try (InputStream in = conn.getInputStream()) {
      Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      Files.move(tmp, lib, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
