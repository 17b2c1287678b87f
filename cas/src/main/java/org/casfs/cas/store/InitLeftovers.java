package org.casfs.cas.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What an init that was stopped (killed, or cut off by a power failure) leaves in its directory:
 * the repository's folders and files without the config, which {@link Repository#init} writes
 * last. Nothing was ever stored there, so the next init removes them and starts over instead of
 * taking the directory for one that is not empty, or the half-made database for a damaged one.
 */
final class InitLeftovers {
  private static final Set<String> NAMES = Set.of("objects", "db", "staging", "keys", "lock", SpaceReserve.FILE,
      SpaceReserve.MAKING, "config.tmp");

  /**
   * What a database that was only made holds in its write-ahead logs, at most (24 bytes here: its
   * key spaces are in its MANIFEST); an import of one small file left a table and 1,119 bytes.
   */
  private static final long EMPTY_LOG_BYTES = 1 << 10;

  private InitLeftovers() {}

  /**
   * Whether {@code dir} holds such leftovers and nothing else: no config, no loose object, no key,
   * and a database without tables whose logs hold next to nothing (a repository that lost its
   * config but holds data is not taken for one).
   */
  static boolean in(Path dir) throws IOException {
    List<Path> entries;
    try (Stream<Path> s = Files.list(dir)) {
      entries = s.toList();
    }
    if (entries.isEmpty() || !entries.stream().allMatch(p -> NAMES.contains(p.getFileName().toString()))) {
      return false;
    }
    return holdsNoFile(dir.resolve("objects")) && holdsNoFile(dir.resolve("keys")) && neverWritten(dir.resolve("db"));
  }

  private static boolean neverWritten(Path db) throws IOException {
    if (!Files.exists(db)) {
      return true;
    }
    long logBytes = 0;
    try (Stream<Path> s = Files.list(db)) {
      for (Path p : s.toList()) {
        String name = p.getFileName().toString();
        if (name.endsWith(".sst") || Files.isDirectory(p)) {
          return false;
        }
        if (name.endsWith(".log") && !name.equals("LOG")) {
          logBytes += Files.size(p);
        }
      }
    }
    return logBytes <= EMPTY_LOG_BYTES;
  }

  /** Removes them. */
  static void remove(Path dir) throws IOException {
    for (String name : NAMES) {
      Path p = dir.resolve(name);
      if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        continue;
      }
      try (Stream<Path> s = Files.walk(p)) {
        for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(q);
        }
      }
    }
  }

  private static boolean holdsNoFile(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return true;
    }
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.allMatch(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS));
    }
  }
}
