package org.casfs.cas.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Status;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The repository's RocksDB: one column family per key space, created on first use. The only
 * class that sees RocksDB; its exceptions become {@link IOException}s here. Thread-safe.
 */
final class RocksDatabase implements KeyValueStore, AutoCloseable {
  static {
    RocksNativeLibrary.load();
  }

  private final Path dir;
  private final LRUCache blockCache;
  private final ColumnFamilyOptions cfOptions;
  private final DBOptions dbOptions;
  private final RocksDB db;
  private final Map<String, ColumnFamilyHandle> spaces = new ConcurrentHashMap<>();
  private final List<ColumnFamilyHandle> handles = new ArrayList<>();
  private final WriteOptions syncWrite = new WriteOptions().setSync(true);
  private final WriteOptions asyncWrite = new WriteOptions().setSync(false);
  /**
   * Why it was opened for reading only ({@link #openReadOnly}), as a refused write says it; null
   * when it was not. Read-only, writes fail and a key space it lacks reads as empty.
   */
  private final String readOnlyBecause;
  /**
   * Held for reading by every call into RocksDB, for writing by {@link #close}: a native call on a
   * closed database reads freed memory and crashes the JVM (found: fsck's workers went on after
   * the main thread met a damaged table and closed the repository; SIGSEGV). Close waits for the
   * calls under way, and calls after it fail with an {@link IOException}.
   */
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private boolean closed; // guarded by lifecycle

  private RocksDatabase(Path dir, boolean create, String readOnlyBecause, long blockCacheBytes, boolean bestEfforts)
      throws IOException {
    this.dir = dir;
    this.readOnlyBecause = readOnlyBecause;
    blockCache = new LRUCache(blockCacheBytes);
    BlockBasedTableConfig table = new BlockBasedTableConfig()
        .setBlockCache(blockCache)
        .setFilterPolicy(new BloomFilter(10, false))
        .setBlockSize(16 * 1024);
    cfOptions = new ColumnFamilyOptions()
        .setTableFormatConfig(table)
        .setCompressionType(CompressionType.LZ4_COMPRESSION)
        .setWriteBufferSize(32L * 1024 * 1024)
        .setMaxWriteBufferNumber(2);
    dbOptions = new DBOptions()
        .setCreateIfMissing(create)
        .setCreateMissingColumnFamilies(true)
        .setMaxBackgroundJobs(2)
        .setKeepLogFileNum(2)
        .setMaxOpenFiles(256)
        // No fallocate: RocksDB would reserve 1.1x the write buffer (35 MiB) for each write-ahead
        // log at its first write, space a laptop's nearly full disk lacks and a pull's free-space
        // check counts on; the log's appends then extend it instead.
        .setAllowFAllocate(false)
        .setBestEffortsRecovery(bestEfforts);
    try {
      List<byte[]> names = List.of(RocksDB.DEFAULT_COLUMN_FAMILY);
      if (!create || dir.resolve("CURRENT").toFile().exists()) {
        try (org.rocksdb.Options listing = new org.rocksdb.Options()) {
          names = RocksDB.listColumnFamilies(listing, dir.toString());
        }
      }
      if (names.stream().noneMatch(n -> Arrays.equals(n, RocksDB.DEFAULT_COLUMN_FAMILY))) {
        // RocksDB lists nothing when the files naming its contents (CURRENT, MANIFEST-*) are gone.
        closeOptions();
        if (hasManifest(dir)) {
          throw new DamagedDatabaseException(dir + " lists no key spaces (its CURRENT file is missing or damaged)",
              null);
        }
        throw DamagedDatabaseException.beyondSalvage(dir + " lists no key spaces (its MANIFEST file is missing)");
      }
      List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
      for (byte[] name : names) {
        descriptors.add(new ColumnFamilyDescriptor(name, cfOptions));
      }
      List<ColumnFamilyHandle> opened = new ArrayList<>();
      db = openOnAnyDisk(descriptors, opened);
      for (int i = 0; i < names.size(); i++) {
        String name = new String(names.get(i), StandardCharsets.UTF_8);
        spaces.put(name, opened.get(i));
        handles.add(opened.get(i));
      }
    } catch (RocksDBException e) {
      closeOptions();
      if (isNoSpace(e)) {
        // Even an open without tables writes a new manifest and options file.
        throw new NoRoomToOpenException("could not open the database in " + dir + ": its disk is full ("
            + e.getMessage() + "); free space on that disk by other means first (remove files you do not need):"
            + " until there is some, casfs cannot open the repository, not even to run 'casfs gc'", e);
      }
      throw translate("open the database in " + dir, e);
    }
  }

  /**
   * Opens the database even on a disk too full for RocksDB's usual recovery, which first writes
   * what its write-ahead logs hold into new table files: a laptop's disk filled by something else,
   * or by an import, would otherwise leave a repository that no command can open, not even the
   * 'casfs gc' that frees space (and each try would leave the tables it managed to write). On such
   * a disk the logs are replayed into memory and kept (each open adds one small log); the first
   * open with room again writes the tables and drops the logs.
   */
  private RocksDB openOnAnyDisk(List<ColumnFamilyDescriptor> descriptors, List<ColumnFamilyHandle> opened)
      throws RocksDBException {
    if (readOnlyBecause != null) {
      return RocksDB.openReadOnly(dbOptions, dir.toString(), descriptors, opened);
    }
    dbOptions.setAvoidFlushDuringRecovery(tooFullToRecover());
    try {
      return RocksDB.open(dbOptions, dir.toString(), descriptors, opened);
    } catch (RocksDBException e) {
      if (!isNoSpace(e) || dbOptions.avoidFlushDuringRecovery()) {
        throw e;
      }
      opened.clear();
      dbOptions.setAvoidFlushDuringRecovery(true);
      return RocksDB.open(dbOptions, dir.toString(), descriptors, opened);
    }
  }

  /** True if a MANIFEST file, the list of the database's files that CURRENT names, is there. */
  private static boolean hasManifest(Path dir) {
    try (DirectoryStream<Path> manifests = Files.newDirectoryStream(dir, "MANIFEST-*")) {
      return manifests.iterator().hasNext();
    } catch (IOException e) {
      return false;
    }
  }

  /** Room RocksDB needs on open beside the tables: a new options file, manifest and info log. */
  private static final long OPEN_SLACK = 8L << 20;

  /** True if the disk lacks room for tables as large as twice the logs, and for the rest of an open. */
  private boolean tooFullToRecover() {
    try (DirectoryStream<Path> logs = Files.newDirectoryStream(dir, "*.log")) {
      long logBytes = 0;
      for (Path log : logs) {
        logBytes += Files.size(log);
      }
      return Files.getFileStore(dir).getUsableSpace() < 2 * logBytes + OPEN_SLACK;
    } catch (IOException e) {
      return false; // RocksDB's open reports what is wrong with the directory
    }
  }

  private static boolean isNoSpace(RocksDBException e) {
    Status s = e.getStatus();
    return s != null && s.getSubCode() == Status.SubCode.NoSpace || org.casfs.cas.posix.DiskFull.is(e);
  }

  /**
   * Opens the database for reading and writing.
   *
   * @throws NoRoomToOpenException if its disk has no room for what even an open writes
   */
  static RocksDatabase open(Path dir, boolean create, long blockCacheBytes) throws IOException {
    return new RocksDatabase(dir, create, null, blockCacheBytes, false);
  }

  /**
   * Opens an existing database for reading only, writing nothing (its write-ahead logs are
   * replayed into memory): for a repository on a filesystem mounted read-only, or on a disk too
   * full to open it otherwise. A write then fails with a {@link ReadOnlyRepositoryException} whose
   * message ends "... for reading only, " + {@code because}.
   */
  static RocksDatabase openReadOnly(Path dir, long blockCacheBytes, String because) throws IOException {
    return new RocksDatabase(dir, false, because, blockCacheBytes, false);
  }

  /**
   * Opens, for reading only, a database that will not open as usual because a table file it lists
   * is gone or unreadable: RocksDB's best-efforts recovery opens it without such files (and so
   * without their records), for {@link DatabaseSalvage} to copy what is left.
   *
   * @throws DamagedDatabaseException "beyond salvage" if even that fails
   */
  static RocksDatabase openWithoutUnreadableTables(Path dir, long blockCacheBytes) throws IOException {
    try {
      return new RocksDatabase(dir, false, "being salvaged", blockCacheBytes, true);
    } catch (DamagedDatabaseException | RuntimeException e) {
      throw DamagedDatabaseException.beyondSalvage("even without its unreadable table files, " + dir
          + " does not open (" + e.getMessage() + ")");
    }
  }

  private IOException translate(String doing, RocksDBException e) {
    String status = e.getStatus() == null ? e.getMessage() : e.getStatus().getCodeString() + ": " + e.getMessage();
    String message = String.valueOf(e.getMessage());
    if (e.getStatus() != null && e.getStatus().getCode() == Status.Code.Corruption || message.startsWith("Corruption")) {
      if (readOnlyBecause == null) {
        DamageNote.write(dir.getParent(), status);
      }
      return new DamagedDatabaseException(status + " (while trying to " + doing + ")", e);
    }
    if (message.contains("read only mode")) {
      return new ReadOnlyRepositoryException("could not " + doing + ": the repository is open for reading only, "
          + (readOnlyBecause == null ? "being on a read-only filesystem" : readOnlyBecause));
    }
    // RocksDB names its lock file (DIR/LOCK) when another process holds it ("While lock file: ...").
    if (message.contains("/LOCK")) {
      return new RepositoryLockedException("the database is in use by another process (" + status + ")");
    }
    return new IOException("could not " + doing + ": " + status, e);
  }

  @Override
  public void createSpaces(Collection<String> names) throws IOException {
    enter(); // always before the monitor, as in space(): close() holds the lifecycle alone
    try {
      synchronized (this) {
        createMissingSpaces(names);
      }
    } finally {
      exit();
    }
  }

  private void createMissingSpaces(Collection<String> names) throws IOException {
    List<String> missing = new ArrayList<>();
    for (String name : new LinkedHashSet<>(names)) {
      if (!spaces.containsKey(name)) {
        missing.add(name);
      }
    }
    if (missing.isEmpty()) {
      return;
    }
    List<ColumnFamilyHandle> made;
    try {
      made = db.createColumnFamilies(missing.stream().map(this::descriptor).toList());
    } catch (RocksDBException e) {
      throw translate("create key spaces " + names, e);
    }
    for (int i = 0; i < made.size(); i++) { // in the order asked for
      handles.add(made.get(i));
      spaces.put(missing.get(i), made.get(i));
    }
  }

  private ColumnFamilyDescriptor descriptor(String space) {
    return new ColumnFamilyDescriptor(space.getBytes(StandardCharsets.UTF_8), cfOptions);
  }

  /** Enters a call into RocksDB; {@link #exit} in {@code finally}. */
  private void enter() throws IOException {
    lifecycle.readLock().lock();
    if (closed) {
      lifecycle.readLock().unlock();
      throw new RepositoryClosedException("the database in " + dir + " is closed");
    }
  }

  private void exit() {
    lifecycle.readLock().unlock();
  }

  /** The key space's handle; the caller is inside {@link #enter}. */
  ColumnFamilyHandle space(String name) throws IOException {
    ColumnFamilyHandle h = spaces.get(name);
    if (h != null) {
      return h;
    }
    synchronized (this) {
      h = spaces.get(name);
      if (h == null && readOnlyBecause != null) {
        // Nothing was ever stored there; casfs keeps nothing in the default space, so it reads as empty.
        return spaces.get(new String(RocksDB.DEFAULT_COLUMN_FAMILY, StandardCharsets.UTF_8));
      }
      if (h == null) {
        try {
          h = db.createColumnFamily(descriptor(name));
        } catch (RocksDBException e) {
          throw translate("create key space " + name, e);
        }
        handles.add(h);
        spaces.put(name, h);
      }
      return h;
    }
  }

  @Override
  public byte[] getOrNull(String space, byte[] key) throws IOException {
    enter();
    try {
      return db.get(space(space), key);
    } catch (RocksDBException e) {
      throw translate("read " + space, e);
    } finally {
      exit();
    }
  }

  @Override
  public void scan(String space, byte[] prefix, Visitor visitor) throws IOException {
    enter();
    try {
      scanInside(space, prefix, visitor);
    } finally {
      exit();
    }
  }

  private void scanInside(String space, byte[] prefix, Visitor visitor) throws IOException {
    try (ReadOptions ro = new ReadOptions(); RocksIterator it = db.newIterator(space(space), ro)) {
      for (it.seek(prefix); it.isValid(); it.next()) {
        byte[] key = it.key();
        if (key.length < prefix.length || !Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length)) {
          break;
        }
        if (!visitor.visit(key, it.value())) {
          break;
        }
      }
      try {
        it.status();
      } catch (RocksDBException e) {
        throw translate("scan " + space, e);
      }
    }
  }

  /** The key spaces it holds, but RocksDB's default one (casfs keeps nothing there). */
  List<String> spaceNames() {
    String fallback = new String(RocksDB.DEFAULT_COLUMN_FAMILY, StandardCharsets.UTF_8);
    return spaces.keySet().stream().filter(name -> !name.equals(fallback)).sorted().toList();
  }

  /**
   * Reads every table through its checksums: null if all hold, else what RocksDB says of the
   * first damaged block (the file, the offset).
   */
  String damageOrNull() throws IOException {
    enter();
    try {
      db.verifyChecksum();
      return null;
    } catch (RocksDBException e) {
      if (translate("verify", e) instanceof DamagedDatabaseException) {
        return e.getMessage();
      }
      throw translate("verify the checksums of the database's tables", e);
    } finally {
      exit();
    }
  }

  /**
   * Visits every record of the key space that can still be read, in key order, stepping over the
   * damaged stretches ({@link SkipDamage}) where {@link #scan} fails; returns how many it stepped
   * over.
   */
  int salvage(String space, Visitor visitor) throws IOException {
    enter();
    try (ReadOptions ro = new ReadOptions().setFillCache(false)) { // each block is read once
      ColumnFamilyHandle handle = space(space);
      int damaged = 0;
      byte[] from = null; // null: the first key
      byte[] lastGood = null;
      while (true) {
        try (RocksIterator it = db.newIterator(handle, ro)) {
          if (from == null) {
            it.seekToFirst();
          } else {
            it.seek(from);
          }
          for (; it.isValid(); it.next()) {
            lastGood = it.key();
            visitor.visit(lastGood, it.value());
          }
          if (readable(it)) {
            return damaged;
          }
        }
        damaged++;
        byte[] resume = SkipDamage.resumeAfter(lastGood, target -> readableFrom(handle, ro, target));
        if (resume == null || from != null && Arrays.compareUnsigned(resume, from) <= 0) {
          return damaged; // nothing readable after it, or a seek that read a moment ago fails now
        }
        from = resume;
      }
    } finally {
      exit();
    }
  }

  private boolean readableFrom(ColumnFamilyHandle handle, ReadOptions ro, byte[] target) {
    try (RocksIterator it = db.newIterator(handle, ro)) {
      it.seek(target);
      return it.isValid() || readable(it);
    }
  }

  /** True unless the iterator stopped at damage. */
  private static boolean readable(RocksIterator it) {
    try {
      it.status();
      return true;
    } catch (RocksDBException e) {
      return false;
    }
  }

  @Override
  public Batch batch() {
    return new RocksBatch();
  }

  /** Makes every write so far durable. */
  void syncWal() throws IOException {
    enter();
    try {
      db.syncWal();
    } catch (RocksDBException e) {
      throw translate("sync the write-ahead log", e);
    } finally {
      exit();
    }
  }

  Path dir() {
    return dir;
  }

  /**
   * Writes every key space's memtables out as table files and waits for it: a database written in
   * one go (a salvage) is then whole in its tables, and its next open has no write-ahead log of
   * the size of the whole database to replay into memory.
   */
  void flushTables() throws IOException {
    enter();
    try (FlushOptions wait = new FlushOptions().setWaitForFlush(true)) {
      db.flush(wait, new ArrayList<>(handles));
    } catch (RocksDBException e) {
      throw translate("write the database's memtables out as tables", e);
    } finally {
      exit();
    }
  }


  private final class RocksBatch implements Batch {
    private final WriteBatch batch = new WriteBatch();
    private IOException failure;

    @Override
    public Batch put(String space, byte[] key, byte[] value) {
      try {
        enter();
        try {
          batch.put(space(space), key, value);
        } finally {
          exit();
        }
      } catch (RocksDBException e) {
        failure = translate("stage a write to " + space, e);
      } catch (IOException e) {
        failure = e;
      }
      return this;
    }

    @Override
    public Batch delete(String space, byte[] key) {
      try {
        enter();
        try {
          batch.delete(space(space), key);
        } finally {
          exit();
        }
      } catch (RocksDBException e) {
        failure = translate("stage a delete from " + space, e);
      } catch (IOException e) {
        failure = e;
      }
      return this;
    }

    @Override
    public void commit(boolean sync) throws IOException {
      try {
        if (failure != null) {
          throw failure;
        }
        enter();
        try {
          db.write(sync ? syncWrite : asyncWrite, batch);
        } finally {
          exit();
        }
      } catch (RocksDBException e) {
        throw translate("write a batch", e);
      } finally {
        batch.close();
      }
    }
  }

  /** Waits for the calls under way, then frees the database; later calls fail. Idempotent. */
  @Override
  public void close() {
    lifecycle.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      for (ColumnFamilyHandle h : handles) {
        h.close();
      }
      handles.clear();
      spaces.clear();
      db.close();
      closeOptions();
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  private void closeOptions() {
    syncWrite.close();
    asyncWrite.close();
    dbOptions.close();
    cfOptions.close();
    blockCache.close();
  }
}
