package org.casfs.cas.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * RocksDB's {@code CURRENT}: the one-line file through which it finds the list of its files, the
 * newest {@code MANIFEST-N}. Stateless.
 */
final class CurrentFile {
  private CurrentFile() {}

  /**
   * Writes {@code CURRENT} again, naming the newest manifest, if it is gone, empty, or names no
   * manifest that is there (a crash the filesystem did not survive whole); says what was done, or
   * null if nothing was (also when there is no manifest to name: the open then says so).
   */
  static String repairIfLost(Path dbDir) throws IOException {
    Path current = dbDir.resolve("CURRENT");
    String named = Files.isRegularFile(current) ? Files.readString(current, StandardCharsets.US_ASCII).strip() : "";
    if (named.startsWith("MANIFEST-") && Files.isRegularFile(dbDir.resolve(named))) {
      return null;
    }
    Path newest;
    try (Stream<Path> files = Files.list(dbDir)) {
      newest = files.filter(p -> p.getFileName().toString().matches("MANIFEST-[0-9]+"))
          .max(Comparator.comparingLong(p -> Long.parseLong(p.getFileName().toString().substring(9))))
          .orElse(null);
    }
    if (newest == null) {
      return null;
    }
    Path temp = dbDir.resolve("CURRENT.casfs-salvage");
    Files.writeString(temp, newest.getFileName() + "\n", StandardCharsets.US_ASCII);
    Fsync.file(temp);
    Files.move(temp, current, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    Fsync.directory(dbDir);
    return "its CURRENT file " + (named.isEmpty() ? "was gone or empty" : "named " + named + ", which is not there")
        + " (written again, naming " + newest.getFileName() + ")";
  }
}
