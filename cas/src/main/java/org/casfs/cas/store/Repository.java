package org.casfs.cas.store;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.List;

/**
 * One repository directory, opened by at most one process at a time:
 *
 * <pre>
 * REPO/config      settings ({@link RepoConfig})
 * REPO/lock        held while open; holds the owner's pid
 * REPO/objects/    loose blobs
 * REPO/db/         RocksDB: object index, small objects, and the key spaces of upper modules
 * REPO/staging/    temporary files, transactions' upper layers, downloads in flight
 * REPO/keys/       trusted public keys
 * </pre>
 *
 * Thread-safe. Close it to release the lock.
 */
public final class Repository implements Closeable {
  private final Path dir;
  private volatile RepoConfig config;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final RocksDatabase db;
  private final DiskObjectStore objects;
  private final ObjectDatabase objectDatabase;
  private final boolean readOnly;
  /** Opened for reading only because its disk was full, not because its filesystem is read-only. */
  private final boolean fullDisk;
  private volatile boolean releasedReserve;

  private Repository(Path dir, RepoConfig config, FileChannel lockChannel, FileLock lock, RocksDatabase db,
      boolean readOnly, boolean fullDisk) {
    this.dir = dir;
    this.readOnly = readOnly;
    this.fullDisk = fullDisk;
    this.config = config;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.db = db;
    this.objects = new DiskObjectStore(db, dir.resolve("objects"), tmpDir(dir), config.inlineThreshold(),
        config.blobCacheBytes());
    this.objectDatabase = new ObjectDatabase(objects, config.treeCacheBytes());
  }

  private static Path tmpDir(Path dir) {
    return dir.resolve("staging").resolve("tmp");
  }

  /** True if {@code dir} looks like a repository (has a config). */
  public static boolean isRepository(Path dir) {
    return Files.isRegularFile(dir.resolve("config")) && Files.isDirectory(dir.resolve("db"));
  }

  /**
   * Creates a repository in {@code dir} (which may exist but must be empty) and opens it.
   *
   * @throws IOException if {@code dir} is already a repository or is not empty
   */
  public static Repository init(Path dir, RepoConfig config) throws IOException {
    if (isRepository(dir)) {
      throw new RepositoryExistsException(dir + " is already a casfs repository");
    }
    if (Files.exists(dir)) {
      if (!Files.isDirectory(dir)) {
        throw new NotARepositoryException(dir + " exists and is not a directory");
      }
      if (InitLeftovers.in(dir)) {
        FileLock held = lock(dir, false); // not another init's, under way
        try {
          InitLeftovers.remove(dir);
        } finally {
          held.release();
          held.channel().close();
        }
      }
      try (var s = Files.list(dir)) {
        if (s.findAny().isPresent()) {
          throw new NotARepositoryException(dir + " is not empty; give an empty or new directory");
        }
      }
    }
    Files.createDirectories(dir);
    for (String sub : new String[] {"objects", "db", "staging", "staging/tmp", "keys"}) {
      Files.createDirectories(dir.resolve(sub));
    }
    Repository repo = open(dir, config, false);
    try {
      repo.kv().createSpaces(DiskObjectStore.KEY_SPACES);
      // Written last, durably: a directory is a repository from here on. An init stopped before
      // (killed, a power cut) leaves what the next init recognizes and starts over on.
      config.write(dir.resolve("config"));
    } catch (IOException | RuntimeException e) {
      repo.close();
      throw e;
    }
    return repo;
  }

  /**
   * Opens an existing repository, taking its lock. On a disk too full to open its database for
   * writing, it opens for reading only ({@link #readOnly()}, {@link #readOnlyForWantOfSpace()}).
   */
  public static Repository open(Path dir) throws IOException {
    return open(dir, null, false);
  }

  /**
   * As {@link #open(Path)}, for a process that frees space or must run ({@code gc}, the daemons):
   * on a disk too full to open the database for writing, it first gives back the room the
   * repository keeps for this ({@link SpaceReserve}; {@link #releasedReserve()} then says so).
   */
  public static Repository openUsingReserve(Path dir) throws IOException {
    return open(dir, null, true);
  }

  /** Opens the repository in {@code dir}; {@code creatingWith}: the config of one {@link #init} makes, else null. */
  private static Repository open(Path dir, RepoConfig creatingWith, boolean mayUseReserve) throws IOException {
    dir = dir.toAbsolutePath().normalize();
    boolean creating = creatingWith != null;
    if (!creating && !isRepository(dir)) {
      throw new NotARepositoryException(dir + " is not a casfs repository (no config or db); run 'casfs init' first");
    }
    RepoConfig config = creating ? creatingWith : RepoConfig.read(dir.resolve("config"));
    // On a filesystem mounted read-only (a disk the kernel remounted so after errors, a write-
    // protected medium, a snapshot) the repository opens for reading: nothing can change it there,
    // and what it holds can still be listed, checked, checked out and mounted.
    boolean readOnly = !creating && Files.getFileStore(dir).isReadOnly();
    FileLock lock = lock(dir, readOnly);
    FileChannel ch = lock.channel();
    RocksDatabase db = null;
    try {
      if (readOnly) {
        db = RocksDatabase.openReadOnly(dir.resolve("db"), config.blockCacheBytes(),
            "being on a read-only filesystem");
        return new Repository(dir, config, ch, lock, db, true, false);
      }
      Path tmp = tmpDir(dir);
      Files.createDirectories(tmp);
      clearTemporaries(tmp);
      writeOwner(ch);
      boolean released = false;
      try {
        db = RocksDatabase.open(dir.resolve("db"), creating, config.blockCacheBytes());
      } catch (NoRoomToOpenException full) {
        if (creating) {
          throw full;
        }
        released = mayUseReserve && SpaceReserve.release(dir);
        if (released) {
          db = RocksDatabase.open(dir.resolve("db"), false, config.blockCacheBytes());
        } else {
          // What it holds can still be listed, checked out and mounted; changes wait for room.
          db = RocksDatabase.openReadOnly(dir.resolve("db"), config.blockCacheBytes(), FULL_DISK);
          return new Repository(dir, config, ch, lock, db, true, true);
        }
      }
      Repository repo = new Repository(dir, config, ch, lock, db, false, false);
      repo.releasedReserve = released;
      repo.objects.completeContentIndex();
      SpaceReserve.keep(dir);
      return repo;
    } catch (IOException | RuntimeException e) {
      if (db != null) {
        db.close();
      }
      lock.release();
      ch.close();
      throw e;
    }
  }

  /**
   * Takes the repository's lock (shared on a read-only filesystem, where nothing can change it).
   *
   * @throws RepositoryLockedException naming the process that holds it
   */
  private static FileLock lock(Path dir, boolean readOnly) throws IOException {
    FileChannel ch = readOnly ? FileChannel.open(dir.resolve("lock"), StandardOpenOption.READ)
        : FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.READ,
            StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = ch.tryLock(0, Long.MAX_VALUE, readOnly);
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      String pid = readOwner(ch);
      ch.close();
      String command = LockHolderDescription.commandOfOrNull(pid);
      String holder = command == null ? pid : pid + " (" + command + ")";
      throw new RepositoryLockedException("repository " + dir + " is in use by process " + holder
          + "; run this again once it has finished (a mount or a daemon runs until it is stopped)", holder, command);
    }
    return lock;
  }

  /**
   * Rebuilds the database of the repository in {@code dir} if it is damaged (a table block whose
   * checksum fails): every record that can still be read goes into a new database, which takes the
   * damaged one's place in one atomic step; the damaged one is kept beside it. Objects whose bytes
   * went with the damage are dropped from the index, so that fsck names them and a repair or a pull
   * fetches them. The key spaces named in {@code derivedSpaces} (markers and caches that other
   * modules derive from the objects) are left behind, since they could vouch for objects that were
   * lost; so are the store's own. A sound database is left as it is. Takes the repository's lock.
   *
   * @throws DamagedDatabaseException if even the list of the database's files is lost
   */
  public static SalvageReport salvage(Path dir, Collection<String> derivedSpaces) throws IOException {
    dir = dir.toAbsolutePath().normalize();
    if (!isRepository(dir)) {
      throw new NotARepositoryException(dir + " is not a casfs repository (no config or db); run 'casfs init' first");
    }
    RepoConfig config = RepoConfig.read(dir.resolve("config"));
    if (Files.getFileStore(dir).isReadOnly()) {
      throw new ReadOnlyRepositoryException("cannot salvage the database of " + dir
          + ": its filesystem is mounted read-only; copy the repository to a writable disk and salvage it there");
    }
    FileLock lock = lock(dir, false);
    try (FileChannel ch = lock.channel()) {
      writeOwner(ch);
      return DatabaseSalvage.run(dir, config.blockCacheBytes(), derivedSpaces);
    }
  }

  /**
   * When and what, if the database of the repository in {@code dir} reported damage that no
   * salvage has dealt with since (a daemon salvages it when it starts); null if none.
   */
  public static String damageNotedOrNull(Path dir) {
    return DamageNote.readOrNull(dir.toAbsolutePath().normalize());
  }

  /** The damaged databases a salvage kept beside the repository's (at most one). */
  public static List<Path> damagedDatabaseCopies(Path dir) throws IOException {
    return SalvageSwap.damagedCopies(dir.toAbsolutePath().normalize());
  }

  /** How a change to a repository opened on a full disk is refused: "... for reading only, " + this. */
  private static final String FULL_DISK = "its disk being full (No space left on device); free space on that"
      + " disk by other means (remove files you do not need), or run 'casfs gc', which may use the room the"
      + " repository keeps for this, and run the command again";

  /** This process's id in the lock file, for "in use by process N"; a disk without room keeps the last one's. */
  private static void writeOwner(FileChannel ch) throws IOException {
    byte[] pid = (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII);
    try {
      ch.write(ByteBuffer.wrap(pid), 0);
      ch.truncate(pid.length);
    } catch (IOException e) {
      if (!org.casfs.cas.posix.DiskFull.is(e)) {
        throw e;
      }
    }
  }

  private static String readOwner(FileChannel ch) {
    try {
      ByteBuffer b = ByteBuffer.allocate(32);
      ch.read(b, 0);
      String s = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).strip();
      return s.isEmpty() ? "(unknown)" : s;
    } catch (IOException e) {
      return "(unknown)";
    }
  }

  /** Half-written objects from a crash: never indexed, safe to delete while we hold the lock. */
  private static void clearTemporaries(Path tmp) throws IOException {
    try (var files = Files.newDirectoryStream(tmp)) {
      for (Path f : files) {
        Files.deleteIfExists(f);
      }
    }
  }

  public Path dir() {
    return dir;
  }

  /**
   * How "in use by process N (...)" names a JVM that runs {@code mainClass}: as {@code name}, the
   * command its user typed (the command line registers {@code casfs}), instead of the class.
   */
  public static void nameProgram(String mainClass, String name) {
    LockHolderDescription.nameProgram(mainClass, name);
  }

  /**
   * True if the repository was opened for reading only: it lies on a filesystem mounted read-only,
   * or its disk had no room to open it otherwise ({@link #readOnlyForWantOfSpace()}). A write fails
   * with {@link ReadOnlyRepositoryException}.
   */
  public boolean readOnly() {
    return readOnly;
  }

  /**
   * True if it was opened for reading only because its disk had no room to open it otherwise
   * (its filesystem is writable): a change fails saying the disk is full.
   */
  public boolean readOnlyForWantOfSpace() {
    return fullDisk;
  }

  /** The bytes kept on its disk for the day it fills up: 32 MiB, or 0 while the disk lacks room for them. */
  public long reserveBytes() {
    return SpaceReserve.bytes(dir);
  }

  /** True if opening it took the room it keeps for a full disk ({@link #openUsingReserve}). */
  public boolean releasedReserve() {
    return releasedReserve;
  }

  /**
   * Makes the room kept for a full disk again, if it is missing and the disk has room now: after a
   * gc freed space (opening does the same). Cheap when it exists; best effort.
   */
  public void keepReserve() {
    if (!readOnly) {
      SpaceReserve.keep(dir);
    }
  }

  public RepoConfig config() {
    return config;
  }

  /**
   * Follows another update channel from now on: {@code REPO/config} rewritten (synced, atomic).
   * What follows the channel in this process (a running pull, a peer) keeps the one it started
   * with.
   */
  public void changeChannel(String channel) throws IOException {
    if (readOnly) {
      throw new IOException(dir + " is open for reading only; cannot change its channel");
    }
    RepoConfig changed = config.withChannel(channel);
    changed.write(dir.resolve("config"));
    config = changed;
  }

  /**
   * Loads what opening a repository needs that does not depend on which one: RocksDB's native
   * library and the libc binding (jnr-ffi generates it at run time, ~0.2 s). Idempotent and
   * thread-safe; for a start-up thread that runs beside the command line's parsing. Failures are
   * left for the real use to report.
   */
  public static void preloadNativeLibraries() {
    try {
      RocksNativeLibrary.load();
      org.casfs.cas.posix.Posix.printable(new byte[0]);
    } catch (RuntimeException | LinkageError e) {
      // reported, with its context, by the first real use
    }
  }

  /** The raw object store. */
  public DiskObjectStore objects() {
    return objects;
  }

  /** Typed, cached access to trees, manifests and blobs. */
  public ObjectDatabase objectDatabase() {
    return objectDatabase;
  }

  /** Durable key spaces for modules above cas (refs, history, journals, peers). */
  public KeyValueStore kv() {
    return db;
  }

  /** A directory for this repository's work files, created on demand, on the objects' filesystem. */
  public Path stagingDir(String name) throws IOException {
    Path p = dir.resolve("staging").resolve(name);
    Files.createDirectories(p);
    return p;
  }

  public Path keysDir() {
    return dir.resolve("keys");
  }

  /** Makes every object written so far durable, and every batch committed so far. */
  public void flush() throws IOException {
    objects.flush();
  }

  @Override
  public void close() throws IOException {
    try {
      if (objects.hasPending()) {
        objects.flush();
      }
    } finally {
      closeAndUnlock();
    }
  }

  private void closeAndUnlock() throws IOException {
    try {
      objects.close();
      db.close();
    } finally {
      try {
        lock.release();
      } finally {
        lockChannel.close();
      }
    }
  }
}
