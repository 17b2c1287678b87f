package org.casfs.sync.delta;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.casfs.cas.ObjectId;

/**
 * Deltas kept on disk ({@code REPO/staging/deltas/}), one file per delta named
 * {@code {old-id}-{new-id}}, within a size budget: when a put takes the total over it, the least
 * recently used deltas are deleted. Pairs found not worth a delta are remembered as empty
 * {@code {old-id}-{new-id}.none} files (so a peer does not recompute them on every request;
 * they count one block each).
 *
 * <p>Durability: a cache, not a store of record. Files appear atomically (temp file + rename) but
 * are not fsynced; a delta damaged by a crash is caught by the header check here and by the
 * SHA-1/SHA-256 check of whoever applies it. Recency survives restarts through file mtimes.
 * Thread-safe (one lock; operations are short).
 *
 * <p>Deltas a pull receives are {@linkplain #keep kept} in memory while it applies them and written
 * afterwards on a background thread ({@link #writeKeptLater}): creating a file per delta cost a
 * v1 -> v2 update ~640 file creations, a third of its CPU, on the writer threads that apply the
 * deltas. A kept delta is served at once from memory; one lost to a crash before it was written
 * is computed again on demand.
 *
 * <p>The index lives in memory, so one process keeps one store per directory
 * ({@link #openShared}): a daemon's server must see the deltas a command it runs for a client
 * (a forwarded {@code casfs pull}, {@code casfs sign}) has just put, and the budget must count
 * every file once.
 */
public final class DeltaStore {
  private static final String NONE_SUFFIX = ".none";
  private static final long NONE_COST = 4096;

  /** Above this many bytes of kept deltas, {@link #keep} writes them out at once. */
  static final long KEPT_IN_MEMORY = 32L << 20;

  /** Writes kept deltas after a pull, one at a time, for every store of the process. */
  private static final class Writer {
    static final ExecutorService THREAD = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "casfs-delta-writer");
      t.setDaemon(true);
      return t;
    });
  }
  /** The last background write submitted ({@link #awaitBackgroundWrites}). */
  private static Future<?> lastWrite;

  /** By real path; an entry whose directory was made anew (another file key) is replaced. */
  private static final Map<Path, DeltaStore> SHARED = new HashMap<>();

  private final Path dir;
  private final Object dirKey;
  private long budgetBytes;
  /** Access order: the first entry is the least recently used. */
  private final LinkedHashMap<String, Long> sizes = new LinkedHashMap<>(16, 0.75f, true);
  private long total;
  /** Kept but not yet written, by name ({@code {old-id}-{new-id}}). */
  private final Map<String, byte[]> kept = new LinkedHashMap<>();
  private long keptBytes;
  private long keptBound = KEPT_IN_MEMORY;

  private DeltaStore(Path dir, long budgetBytes) throws IOException {
    this.dir = dir;
    this.budgetBytes = budgetBytes;
    this.dirKey = dirKey(dir);
  }

  /** The directory's identity (device and inode). */
  private static Object dirKey(Path dir) throws IOException {
    return Files.readAttributes(dir, BasicFileAttributes.class).fileKey();
  }

  /**
   * The store of {@code dir} that this process shares: opened (as {@link #open}) by the first
   * caller, the same instance for every later one. Its budget is the largest any caller asked for.
   */
  public static DeltaStore openShared(Path dir, long budgetBytes) throws IOException {
    Files.createDirectories(dir);
    Path real = dir.toRealPath();
    synchronized (SHARED) {
      DeltaStore s = SHARED.get(real);
      if (s == null || !s.dirKey.equals(dirKey(real))) {
        s = open(real, budgetBytes);
        SHARED.put(real, s);
      }
      synchronized (s) {
        s.budgetBytes = Math.max(s.budgetBytes, budgetBytes);
      }
      return s;
    }
  }

  /** Opens (creating) a store of its own in {@code dir}; deletes temporaries left by a crash. */
  public static DeltaStore open(Path dir, long budgetBytes) throws IOException {
    if (budgetBytes < 0) {
      throw new IllegalArgumentException("delta budget must not be negative");
    }
    Files.createDirectories(dir);
    DeltaStore s = new DeltaStore(dir, budgetBytes);
    record Found(String name, long size, FileTime time) {}
    List<Found> found = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        if (name.startsWith(".tmp-")) {
          Files.deleteIfExists(f);
        } else if (isDeltaName(name)) {
          found.add(new Found(name, Files.size(f), Files.getLastModifiedTime(f)));
        }
      }
    }
    found.sort(Comparator.comparing(Found::time));
    synchronized (s) {
      for (Found f : found) {
        s.track(f.name(), f.name().endsWith(NONE_SUFFIX) ? NONE_COST : f.size());
      }
      s.evict();
    }
    return s;
  }

  public Path dir() {
    return dir;
  }

  /** Bytes held (empty markers count {@value #NONE_COST}). */
  public synchronized long totalBytes() {
    return total;
  }

  /**
   * The names ({@code {old-id}-{new-id}}) of the deltas held, without the "not worth it" markers:
   * what a static mirror publishes under {@code /v1/deltas/}.
   */
  public synchronized List<String> deltaNames() {
    List<String> names = new ArrayList<>();
    for (String n : sizes.keySet()) {
      if (!n.endsWith(NONE_SUFFIX)) {
        names.add(n);
      }
    }
    return names;
  }

  /** The stored delta's file, or null; marks it used. */
  public synchronized Path pathOrNull(ObjectId oldId, ObjectId newId) {
    String name = DeltaHeader.name(oldId, newId);
    if (sizes.get(name) == null) {
      return null;
    }
    Path p = dir.resolve(name);
    try {
      Files.setLastModifiedTime(p, FileTime.fromMillis(System.currentTimeMillis()));
    } catch (NoSuchFileException e) {
      untrack(name);
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }

  /** The stored delta's bytes, or null. A file whose header does not name the pair is dropped. */
  public byte[] getOrNull(ObjectId oldId, ObjectId newId) throws IOException {
    synchronized (this) {
      byte[] held = kept.get(DeltaHeader.name(oldId, newId));
      if (held != null) {
        return held;
      }
    }
    Path p = pathOrNull(oldId, newId);
    if (p == null) {
      return null;
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(p);
    } catch (NoSuchFileException e) {
      return null;
    }
    try {
      DeltaHeader h = DeltaHeader.decode(bytes);
      if (h.oldId().equals(oldId) && h.newId().equals(newId)) {
        return bytes;
      }
    } catch (DeltaFormatException e) {
      // fall through: damaged
    }
    remove(DeltaHeader.name(oldId, newId));
    return null;
  }

  /** True if the pair was found not worth a delta. */
  public synchronized boolean isMarkedNone(ObjectId oldId, ObjectId newId) {
    return sizes.get(DeltaHeader.name(oldId, newId) + NONE_SUFFIX) != null;
  }

  /** Stores a delta (header + body); its header names the pair. Evicts to stay in budget. */
  public void put(byte[] delta) throws IOException {
    DeltaHeader h = DeltaHeader.decode(delta);
    write(h.name(), delta);
  }

  /**
   * Keeps a verified delta (header + body) that a pull received, to serve it to neighbours: held
   * in memory, readable at once, written by {@link #writeKept} / {@link #writeKeptLater} (or now,
   * once more than {@value #KEPT_IN_MEMORY} bytes are held).
   */
  public void keep(byte[] delta) throws IOException {
    DeltaHeader h = DeltaHeader.decode(delta);
    boolean full;
    synchronized (this) {
      if (kept.putIfAbsent(h.name(), delta) == null) {
        keptBytes += delta.length;
      }
      full = keptBytes > keptBound;
    }
    if (full) {
      try {
        writeKept();
      } catch (IOException e) {
        // a cache: a delta less to serve must not fail the pull that received it
      }
    }
  }

  /** Another bound than {@value #KEPT_IN_MEMORY} bytes for {@link #keep} (tests). */
  synchronized void boundKeptBytes(long bytes) {
    keptBound = bytes;
  }

  /**
   * Writes every kept delta to its file (within the budget, as {@link #put}). A delta whose write
   * fails (a full disk) is dropped all the same, so memory stays bounded; the first failure is
   * thrown after the others were tried.
   */
  public void writeKept() throws IOException {
    List<Map.Entry<String, byte[]>> batch;
    synchronized (this) {
      batch = new ArrayList<>(kept.entrySet());
    }
    IOException first = null;
    for (Map.Entry<String, byte[]> e : batch) {
      try {
        write(e.getKey(), e.getValue());
      } catch (IOException failed) {
        first = first == null ? failed : first;
      }
      synchronized (this) {
        if (kept.remove(e.getKey(), e.getValue())) {
          keptBytes -= e.getValue().length;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** {@link #writeKept} on the process's background writer thread; returns at once. */
  public void writeKeptLater() {
    synchronized (DeltaStore.class) {
      lastWrite = Writer.THREAD.submit(() -> {
        writeKept();
        return null;
      });
    }
  }

  /**
   * Waits until the background writes submitted so far are done (a command calls this before
   * its process exits). A failed write is only a delta less to serve: it is not reported.
   */
  public static void awaitBackgroundWrites() {
    Future<?> last;
    synchronized (DeltaStore.class) {
      last = lastWrite;
    }
    if (last == null) {
      return;
    }
    try {
      last.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException e) {
      // a cache: the delta is computed again when a neighbour asks for it
    }
  }

  /** Remembers that the pair is not worth a delta. */
  public void markNone(ObjectId oldId, ObjectId newId) throws IOException {
    write(DeltaHeader.name(oldId, newId) + NONE_SUFFIX, new byte[0]);
  }

  /**
   * Stores a verified delta held in a file (one too large to hold in memory), moving the file in
   * (a copy where it is on another disk); its header names the pair. Evicts to stay in budget.
   */
  public void putFile(Path delta) throws IOException {
    DeltaHeader h;
    try (InputStream in = Files.newInputStream(delta)) {
      h = DeltaHeader.read(in);
    }
    long size = Files.size(delta);
    write(h.name(), size, tmp -> Files.move(delta, tmp, StandardCopyOption.REPLACE_EXISTING));
  }

  private void write(String name, byte[] bytes) throws IOException {
    write(name, bytes.length, tmp -> Files.write(tmp, bytes));
  }

  private interface FileFiller {
    void fill(Path tmp) throws IOException;
  }

  private void write(String name, long size, FileFiller filler) throws IOException {
    synchronized (this) {
      if (size > budgetBytes) {
        return; // would evict everything and itself
      }
    }
    Path tmp = Files.createTempFile(dir, ".tmp-", "");
    try {
      filler.fill(tmp);
      try {
        Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    synchronized (this) {
      untrack(name);
      track(name, name.endsWith(NONE_SUFFIX) ? NONE_COST : size);
      evict();
    }
    if (!name.endsWith(NONE_SUFFIX)) {
      remove(name + NONE_SUFFIX); // "not worth it" no longer: a delta was made after all
    }
  }

  private synchronized void remove(String name) throws IOException {
    untrack(name);
    Files.deleteIfExists(dir.resolve(name));
  }

  private void track(String name, long size) {
    sizes.put(name, size);
    total += size;
  }

  private void untrack(String name) {
    Long size = sizes.remove(name);
    if (size != null) {
      total -= size;
    }
  }

  private void evict() throws IOException {
    var it = sizes.entrySet().iterator();
    while (total > budgetBytes && it.hasNext()) {
      var e = it.next();
      it.remove();
      total -= e.getValue();
      Files.deleteIfExists(dir.resolve(e.getKey()));
    }
  }

  /** True if {@code name} is a delta's file name ({@code {old-id}-{new-id}}, maybe {@code .none}). */
  private static boolean isDeltaName(String name) {
    String base = name.endsWith(NONE_SUFFIX) ? name.substring(0, name.length() - NONE_SUFFIX.length()) : name;
    return base.length() == 81 && base.charAt(40) == '-' && ObjectId.isValid(base.substring(0, 40))
        && ObjectId.isValid(base.substring(41));
  }
}
