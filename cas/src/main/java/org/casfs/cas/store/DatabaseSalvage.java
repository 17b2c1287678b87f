package org.casfs.cas.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.casfs.cas.DualDigest;
import org.casfs.cas.Hashes;
import org.casfs.cas.ObjectId;
import org.casfs.cas.ObjectType;

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
 *   <li>The new database, written out as tables, takes the damaged one's place ({@link
 *       SalvageSwap}); the damaged one is kept as {@code db.damaged-TIME}.
 * </ol>
 *
 * Killed at any point, the repository opens as before or as after; a second run finishes or
 * redoes what the first left. A lost {@code CURRENT} is written again first ({@link CurrentFile}).
 */
final class DatabaseSalvage {
  private static final int BATCH = 10_000;

  private final Path repoDir;
  private final Path dbDir;
  private final SalvageSwap swap;
  private final LooseFiles loose;
  private final long blockCacheBytes;
  private final Set<String> derived = new HashSet<>();

  private DatabaseSalvage(Path repoDir, long blockCacheBytes, Collection<String> derivedSpaces) {
    this.repoDir = repoDir;
    this.dbDir = repoDir.resolve("db");
    this.swap = new SalvageSwap(repoDir);
    this.loose = new LooseFiles(repoDir.resolve("objects"), repoDir.resolve("staging").resolve("tmp"));
    this.blockCacheBytes = blockCacheBytes;
    derived.addAll(derivedSpaces);
    derived.add(ContentIndex.SPACE);
  }

  static SalvageReport run(Path repoDir, long blockCacheBytes, Collection<String> derivedSpaces) throws IOException {
    return new DatabaseSalvage(repoDir, blockCacheBytes, derivedSpaces).run();
  }

  private SalvageReport run() throws IOException {
    swap.finishEarlierRun();
    String wroteCurrent = CurrentFile.repairIfLost(dbDir);
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
      try (RocksDatabase fresh = RocksDatabase.open(swap.freshDir(), true, blockCacheBytes)) {
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
    Path damagedCopy = swap.swapIn();
    DamageNote.clear(repoDir);
    return new SalvageReport(damage, damagedCopy, spaces, objects.lost(), objects.relisted(), rebuilt);
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
}
