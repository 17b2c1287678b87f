package org.casfs.cas.io;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import org.casfs.cas.store.KeyValueStore;

/**
 * How {@link Importer} works.
 *
 * @param statCache where to remember files already hashed (key: absolute path; value: size,
 *     mtime, ctime, inode, device and the blob's hashes) so a re-import does not read unchanged
 *     files again; null for none. Usually {@code repository.kv()}.
 * @param threads how many threads read and hash file contents; at least 1
 * @param oneFileSystem whether directories on another file system than the imported one (mount
 *     points: /proc, /sys, /dev of a live root) are imported empty, as {@code tar
 *     --one-file-system} and {@code rsync -x} do
 * @param excluded paths relative to the imported directory that are left out with all they hold,
 *     each its bytes as ISO-8859-1 characters (one char a byte), without leading or trailing '/'
 */
public record ImportOptions(KeyValueStore statCache, int threads, boolean oneFileSystem, Set<String> excluded) {
  /** The key space of the stat cache in the {@link KeyValueStore}. */
  public static final String STAT_CACHE_SPACE = "import-stat-cache";

  public ImportOptions {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1: " + threads);
    }
    excluded = Set.copyOf(excluded);
  }

  /** No stat cache; one thread per core; every path, across file systems. */
  public static ImportOptions defaults() {
    return new ImportOptions(null, Runtime.getRuntime().availableProcessors(), false, Set.of());
  }

  public ImportOptions withStatCache(KeyValueStore kv) {
    return new ImportOptions(kv, threads, oneFileSystem, excluded);
  }

  public ImportOptions withThreads(int n) {
    return new ImportOptions(statCache, n, oneFileSystem, excluded);
  }

  public ImportOptions withOneFileSystem(boolean one) {
    return new ImportOptions(statCache, threads, one, excluded);
  }

  /**
   * These paths (relative to the imported directory, as raw bytes) left out, with everything below
   * them.
   *
   * @throws IllegalArgumentException if one is empty, absolute, or has an empty, "." or ".." name
   */
  public ImportOptions withExcluded(Collection<byte[]> relativePaths) {
    Set<String> out = new LinkedHashSet<>();
    for (byte[] rel : relativePaths) {
      String s = new String(rel, StandardCharsets.ISO_8859_1);
      for (String name : s.split("/", -1)) {
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('\0') >= 0) {
          throw new IllegalArgumentException("not a relative path without '.', '..' or empty names: '"
              + s.replace("\0", "\\0") + "'");
        }
      }
      out.add(s);
    }
    return new ImportOptions(statCache, threads, oneFileSystem, out);
  }
}
