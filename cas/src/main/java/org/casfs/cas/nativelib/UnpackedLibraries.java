package org.casfs.cas.nativelib;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Native libraries that Java libraries ship inside their jars (RocksDB, zstd-jni), unpacked once
 * into a per-user cache instead of into the temp directory on every start, as the libraries' own
 * loaders do: {@code $XDG_CACHE_HOME/casfs} or {@code ~/.cache/casfs}, mode 0700, in a directory
 * named after the jar file the library came from (its name, which carries the version). A library is written under a temporary name and
 * renamed when complete, and written again when its size differs from the jar's entry.
 */
public final class UnpackedLibraries {
  private UnpackedLibraries() {}

  /**
   * The library at {@code resource} (an entry of a jar) as a file named {@code fileName} in the
   * cache directory {@code prefix-<hash of the jar's name>}, unpacked if it is not there yet.
   */
  public static Path unpacked(URL resource, String prefix, String fileName) throws IOException {
    return unpacked(cacheBase(), resource, prefix, fileName);
  }

  static Path unpacked(Path base, URL resource, String prefix, String fileName) throws IOException {
    Path dir = cacheDir(base, resource, prefix);
    Path lib = dir.resolve(fileName);
    URLConnection conn = resource.openConnection();
    long size = conn.getContentLengthLong();
    if (!Files.isRegularFile(lib) || Files.size(lib) != size) {
      Path tmp = Files.createTempFile(dir, "unpacking-", ".so");
      try (InputStream in = conn.getInputStream()) {
        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmp, lib, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(tmp);
      }
    }
    return lib;
  }

  private static Path cacheBase() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    return xdg != null && !xdg.isEmpty() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
  }

  private static Path cacheDir(Path base, URL resource, String prefix) throws IOException {
    // The jar's name carries the library's version (rocksdbjni-11.8.1.jar); its hash keeps the
    // directory name short and safe, and every checkout of casfs shares the one copy.
    String jar = resource.toString();
    int bang = jar.indexOf('!');
    String jarPath = bang > 0 ? jar.substring(0, bang) : jar;
    String key = Integer.toHexString(jarPath.substring(jarPath.lastIndexOf('/') + 1).hashCode());
    Path dir = base.resolve("casfs").resolve(prefix + "-" + key);
    if (!Files.isDirectory(dir)) {
      Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    return dir;
  }
}
