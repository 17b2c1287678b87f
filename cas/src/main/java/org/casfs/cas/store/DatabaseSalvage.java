package org.casfs.cas.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.casfs.cas.DualDigest;
import org.casfs.cas.Hashes;
import org.casfs.cas.ObjectId;
import org.casfs.cas.ObjectType;
import org.casfs.cas.posix.Posix;

/**
 * Rebuilds a repository's damaged database ({@link Repository#salvage}), the repository's lock
 * held. A flash cell gone bad or a write the disk lost leaves a table block whose checksum fails:
 * every read that meets it fails, fsck stops at it, and compactions stop the database taking writes.
 * Yet the damage is a few KiB of a database whose other records, and the loose files beside it,
 * are sound, so a laptop need not fetch its whole image again:
 *
 * <ol>
 *   <li>Every key space is read into a new database ({@code db.salvaged}), stepping over the
 *       damaged stretches ({@link RocksDatabase#salvage}). Records read are whole and unchanged: a
 *       block is read through its checksum or not at all.
 *   <li>The object index keeps only objects whose bytes are still there (a data record, or a loose
 *       file of the recorded size), and data records the index no longer lists are dropped, so
 *       that the store never claims an object it lacks: fsck names the lost ones by path, and a
 *       repair or a pull fetches them. A loose file whose record was lost is hashed and listed
 *       again: most of an image's bytes are in loose files, and none of them need fetching. A
 *       small object whose record was lost is listed again when a tree or manifest names it, and
 *       so says its type and its SHA-256 ({@link UnlistedObjects}).
 *   <li>Spaces derived from the objects (the content index, and those the caller names, such as
 *       the markers of complete versions) are left behind and made again when needed: a marker
 *       might vouch for an object that was lost. (The import's stat cache is kept: it checks that
 *       the blob it names is stored before it trusts an entry.)
 *   <li>The new database, synced, is marked complete and takes the damaged one's name in one
 *       {@code renameat2(RENAME_EXCHANGE)}; the damaged one becomes {@code db.damaged-TIME}.
 * </ol>
 *
 * Killed at any point, the repository opens as before or as after; a second run finishes or
 * redoes what the first left ({@link #finishEarlierRun}).
 */
final class DatabaseSalvage {
  /** In {@code db.salvaged} once it is whole; in {@code db} from the exchange until the damaged one is renamed. */
  static final String COMPLETE_MARKER = "SALVAGE-COMPLETE";
  private static final String DAMAGED_PREFIX = "db.damaged-";
  private static final int BATCH = 10_000;
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
      .withZone(ZoneOffset.UTC);

  private final Path repoDir;
  private final Path dbDir;
  private final Path freshDir;
  private final LooseFiles loose;
  private final long blockCacheBytes;
  private final Set<String> derived = new HashSet<>();

  private DatabaseSalvage(Path repoDir, long blockCacheBytes, Collection<String> derivedSpaces) {
    this.repoDir = repoDir;
    this.dbDir = repoDir.resolve("db");
    this.freshDir = repoDir.resolve("db.salvaged");
    this.loose = new LooseFiles(repoDir.resolve("objects"), repoDir.resolve("staging").resolve("tmp"));
    this.blockCacheBytes = blockCacheBytes;
    derived.addAll(derivedSpaces);
    derived.add(ContentIndex.SPACE);
  }

  static SalvageReport run(Path repoDir, long blockCacheBytes, Collection<String> derivedSpaces) throws IOException {
    return new DatabaseSalvage(repoDir, blockCacheBytes, derivedSpaces).run();
  }

  private SalvageReport run() throws IOException {
    finishEarlierRun();
    String wroteCurrent = repairCurrentFile();
    String damage;
    List<SalvageReport.Space> spaces = new ArrayList<>();
    List<String> rebuilt = new ArrayList<>();
    ObjectsCopied objects;
    String unopened = null;
    RocksDatabase opened;
    try {
      opened = RocksDatabase.openReadOnly(dbDir, blockCacheBytes, "being salvaged");
    } catch (DamagedDatabaseException e) {
      // A table file it lists is gone (a filesystem check moved it to lost+found) or unreadable.
      unopened = String.valueOf(e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
      opened = RocksDatabase.openWithoutUnreadableTables(dbDir, blockCacheBytes);
    }
    try (RocksDatabase old = opened) {
      String found = old.damageOrNull();
      damage = unopened != null ? unopened : found != null ? found : wroteCurrent;
      if (damage == null) {
        DamageNote.clear(repoDir); // met once, not there now (a read error that passed)
        return SalvageReport.sound();
      }
      try (RocksDatabase fresh = RocksDatabase.open(freshDir, true, blockCacheBytes)) {
        objects = copyObjects(old, fresh, spaces);
        for (String space : old.spaceNames()) {
          if (derived.contains(space)) {
            rebuilt.add(space);
          } else if (!DiskObjectStore.KEY_SPACES.contains(space)) {
            spaces.add(copy(old, fresh, space));
          }
        }
        fresh.flushTables(); // durable in its tables, no log the size of the database to replay
      }
    }
    spaces.sort(Comparator.comparing(SalvageReport.Space::name));
    Path damagedCopy = swapIn();
    DamageNote.clear(repoDir);
    return new SalvageReport(damage, damagedCopy, spaces, objects.lost(), objects.relisted(), rebuilt);
  }

  /**
   * RocksDB finds the list of its files (the newest {@code MANIFEST-N}) through {@code CURRENT}, a
   * one-line file. A {@code CURRENT} that is gone, empty, or names no manifest that is there (a
   * crash the filesystem did not survive whole) is written again, naming the newest manifest; what
   * was done, or null if nothing was.
   */
  private String repairCurrentFile() throws IOException {
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
      return null; // beyond this: the open says so
    }
    Path temp = dbDir.resolve("CURRENT.casfs-salvage");
    Files.writeString(temp, newest.getFileName() + "\n", StandardCharsets.US_ASCII);
    Fsync.file(temp);
    Files.move(temp, current, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    Fsync.directory(dbDir);
    return "its CURRENT file " + (named.isEmpty() ? "was gone or empty" : "named " + named + ", which is not there")
        + " (written again, naming " + newest.getFileName() + ")";
  }

  /** What {@link #copyObjects} lost and listed again. */
  private record ObjectsCopied(long lost, long relisted) {}

  /**
   * The object index and the small objects' bytes, each kept only with the other; returns how many
   * objects were lost (listed, but without their bytes, or the other way round) and how many loose
   * files were listed again.
   */
  private ObjectsCopied copyObjects(RocksDatabase old, RocksDatabase fresh, List<SalvageReport.Space> spaces)
      throws IOException {
    Set<ObjectId> inline = new HashSet<>();
    BatchWriter data = new BatchWriter(fresh, DiskObjectStore.DATA, BATCH);
    long[] keptData = {0};
    int dataDamage = old.salvage(DiskObjectStore.DATA, (key, value) -> {
      if (key.length == ObjectId.LENGTH) {
        inline.add(ObjectId.fromRaw(key));
      }
      return true;
    });
    BatchWriter index = new BatchWriter(fresh, DiskObjectStore.INDEX, BATCH);
    Set<ObjectId> listed = new HashSet<>();
    long[] keptIndex = {0};
    long[] lost = {0};
    int indexDamage = old.salvage(DiskObjectStore.INDEX, (key, value) -> {
      if (key.length != ObjectId.LENGTH) {
        return true;
      }
      ObjectId id = ObjectId.fromRaw(key);
      if (IndexRecord.isLoose(value) ? looseFileOfSize(id, value) : inline.contains(id)) {
        index.put(key, value);
        listed.add(id);
        keptIndex[0]++;
      } else {
        lost[0]++;
      }
      return true;
    });
    long adopted = adoptOrphanFiles(listed, index);
    index.finish(false);
    // The bytes of listed objects, read again (a second pass keeps only the ids in memory).
    old.salvage(DiskObjectStore.DATA, (key, value) -> {
      if (key.length == ObjectId.LENGTH && listed.contains(ObjectId.fromRaw(key))) {
        data.put(key, value);
        keptData[0]++;
      }
      return true;
    });
    data.finish(false);
    inline.removeAll(listed); // bytes whose listing was lost: listed again where what names them says their type
    long typed = new UnlistedObjects(old, fresh, inline).relist();
    lost[0] += inline.size();
    spaces.add(new SalvageReport.Space(DiskObjectStore.INDEX, keptIndex[0] + adopted + typed, indexDamage));
    spaces.add(new SalvageReport.Space(DiskObjectStore.DATA, keptData[0] + typed, dataDamage));
    return new ObjectsCopied(lost[0], adopted + typed);
  }

  /**
   * Lists again the loose files whose index records went with the damage: a loose file is a blob
   * (only blobs are stored loose), and one whose bytes hash to the id its place names is that
   * blob, whole. Returns how many; a file that does not hash to its name is left for gc.
   */
  private long adoptOrphanFiles(Set<ObjectId> listed, BatchWriter index) throws IOException {
    long[] adopted = {0};
    byte[] buf = new byte[256 * 1024];
    loose.forEach((file, id) -> {
      if (id == null || listed.contains(id)) {
        return;
      }
      DualDigest digest = new DualDigest();
      try (InputStream in = Files.newInputStream(file)) {
        for (int n; (n = in.read(buf)) > 0; ) {
          digest.update(buf, 0, n);
        }
      } catch (IOException unreadable) {
        return;
      }
      long size = digest.length();
      Hashes hashes = digest.finish();
      if (hashes.id().equals(id)) {
        index.put(id.toRaw(), IndexRecord.encode(ObjectType.BLOB, size, hashes.sha256(), true));
        listed.add(id);
        adopted[0]++;
      }
    });
    return adopted[0];
  }

  private boolean looseFileOfSize(ObjectId id, byte[] record) {
    try {
      return Files.size(loose.path(id)) == IndexRecord.decode(id, record).size();
    } catch (IOException e) {
      return false; // gone, unreadable, or a record too damaged to decode
    }
  }

  private static SalvageReport.Space copy(RocksDatabase old, RocksDatabase fresh, String space) throws IOException {
    BatchWriter out = new BatchWriter(fresh, space, BATCH);
    long[] kept = {0};
    int damaged = old.salvage(space, (key, value) -> {
      out.put(key, value);
      kept[0]++;
      return true;
    });
    out.finish(false);
    return new SalvageReport.Space(space, kept[0], damaged);
  }

  /**
   * Makes the new database durable and complete, exchanges it with the damaged one, and names the
   * damaged one {@code db.damaged-TIME}; returns that name.
   */
  private Path swapIn() throws IOException {
    syncTree(freshDir);
    Path marker = freshDir.resolve(COMPLETE_MARKER);
    Files.write(marker, new byte[0]);
    Fsync.file(marker);
    Fsync.directory(freshDir);
    try {
      Posix.exchange(Posix.bytes(dbDir), Posix.bytes(freshDir));
    } catch (org.casfs.cas.posix.PosixException e) {
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

  /**
   * What a run killed half way left: a new database not yet complete is removed (this run makes it
   * again); a damaged one already exchanged (the marker is in {@code db}) is renamed as a finished
   * run would have.
   */
  private void finishEarlierRun() throws IOException {
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

  private static void syncTree(Path dir) throws IOException {
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
