package org.casfs.cas.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.casfs.cas.posix.Posix;
import org.casfs.cas.posix.PosixException;

/**
 * Puts a salvaged database ({@code REPO/db.salvaged}) in the damaged one's place ({@code REPO/db})
 * so that a kill at any instant leaves the repository opening as before or as after:
 *
 * <ol>
 *   <li>the new database, synced, gets a marker ({@value #COMPLETE_MARKER}) saying it is whole;
 *   <li>one {@code renameat2(RENAME_EXCHANGE)} swaps the two directories (the marker moves to
 *       {@code db}, the damaged database to {@code db.salvaged});
 *   <li>the damaged one is renamed {@code db.damaged-TIME} (older such copies are removed), then
 *       the marker.
 * </ol>
 *
 * {@link #finishEarlierRun} reads what a killed run left from where the marker is. Stateless but
 * for the repository's paths.
 */
final class SalvageSwap {
  static final String COMPLETE_MARKER = "SALVAGE-COMPLETE";
  private static final String DAMAGED_PREFIX = "db.damaged-";
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
      .withZone(ZoneOffset.UTC);

  private final Path repoDir;
  private final Path dbDir;
  private final Path freshDir;

  SalvageSwap(Path repoDir) {
    this.repoDir = repoDir;
    this.dbDir = repoDir.resolve("db");
    this.freshDir = repoDir.resolve("db.salvaged");
  }

  /** Where the new database is built. */
  Path freshDir() {
    return freshDir;
  }

  /**
   * What a run killed half way left: a new database not yet complete is removed (the salvage makes
   * it again); a damaged one already exchanged (the marker is in {@code db}) is renamed as a
   * finished run would have.
   */
  void finishEarlierRun() throws IOException {
    if (Files.exists(dbDir.resolve(COMPLETE_MARKER))) {
      if (Files.isDirectory(freshDir)) {
        keepDamaged();
      } else {
        Files.deleteIfExists(dbDir.resolve(COMPLETE_MARKER));
      }
    } else if (Files.exists(freshDir)) {
      deleteTree(freshDir);
    }
  }

  /**
   * Makes the new database durable and complete, exchanges it with the damaged one, and names the
   * damaged one {@code db.damaged-TIME}; returns that name.
   */
  Path swapIn() throws IOException {
    syncFiles(freshDir);
    Path marker = freshDir.resolve(COMPLETE_MARKER);
    Files.write(marker, new byte[0]);
    Fsync.file(marker);
    Fsync.directory(freshDir);
    try {
      Posix.exchange(Posix.bytes(dbDir), Posix.bytes(freshDir));
    } catch (PosixException e) {
      throw new IOException("could not put the salvaged database in place of " + dbDir + " (" + e.getMessage()
          + "): its filesystem cannot exchange two directories in one step; copy the repository to an ext4,"
          + " xfs or btrfs disk and salvage it there", e);
    }
    Fsync.directory(repoDir);
    return keepDamaged();
  }

  /**
   * Renames the damaged database (now at {@code db.salvaged}) and drops the marker the exchange
   * moved to {@code db}. Only the newest damaged copy is kept: a laptop nobody tends, whose daemon
   * salvaged its database more than once, must not fill its disk with them.
   */
  private Path keepDamaged() throws IOException {
    Path kept = repoDir.resolve(DAMAGED_PREFIX + STAMP.format(Instant.now()));
    for (int n = 2; Files.exists(kept); n++) {
      kept = repoDir.resolve(DAMAGED_PREFIX + STAMP.format(Instant.now()) + "-" + n);
    }
    Files.move(freshDir, kept);
    Fsync.directory(repoDir);
    Files.deleteIfExists(dbDir.resolve(COMPLETE_MARKER));
    Fsync.directory(dbDir);
    for (Path older : damagedCopies(repoDir)) {
      if (!older.equals(kept)) {
        deleteTree(older);
      }
    }
    return kept;
  }

  /** The damaged databases kept beside the repository's ({@code REPO/db.damaged-TIME}). */
  static List<Path> damagedCopies(Path repoDir) throws IOException {
    try (Stream<Path> files = Files.list(repoDir)) {
      return files.filter(p -> p.getFileName().toString().startsWith(DAMAGED_PREFIX)).sorted().toList();
    }
  }

  private static void syncFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(f)) {
          Fsync.file(f);
        }
      }
    }
    Fsync.directory(dir);
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
        try {
          Files.delete(p);
        } catch (NoSuchFileException gone) {
          // removed meanwhile
        }
      }
    }
  }
}
