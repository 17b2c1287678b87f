package org.casfs.cas.check;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.casfs.cas.CorruptObjectException;
import org.casfs.cas.DaemonPool;
import org.casfs.cas.DualDigest;
import org.casfs.cas.Entry;
import org.casfs.cas.EntryType;
import org.casfs.cas.Hashes;
import org.casfs.cas.Manifest;
import org.casfs.cas.ManifestCodec;
import org.casfs.cas.MissingObjectException;
import org.casfs.cas.ObjectId;
import org.casfs.cas.ObjectType;
import org.casfs.cas.Tree;
import org.casfs.cas.TreeCodec;
import org.casfs.cas.store.DiskObjectStore;
import org.casfs.cas.store.ObjectInfo;
import org.casfs.cas.store.ObjectStore;
import org.casfs.cas.store.RawObjectSource;
import org.casfs.cas.store.ReadFailures;

/**
 * Checks a store: every object's bytes (size, SHA-1 and the recorded SHA-256; trees and
 * manifests must decode), then every reference reachable from the given manifests (each child
 * exists, has the type, SHA-256 and size its entry names), then loose files no index entry names.
 * Each problem names the object and the paths where the checked versions reach it.
 *
 * <p>Hashing runs on all cores. Reads nothing into memory beyond one tree or manifest at a time per
 * thread (blobs are streamed). Changes nothing. One run per instance; not thread-safe.
 *
 * <pre>
 * FsckReport r = new Fsck(repo.objects()).roots(manifestIds).progress(bar).run();
 * r.lines().forEach(System.out::println);   // exit non-zero if !r.isClean()
 * </pre>
 */
public final class Fsck {
  /** At most this many paths are listed per problem; a shared subtree could list thousands. */
  public static final int MAX_PATHS = 8;
  private static final int BATCH = 64;
  // Per hashing thread: most objects are small, and a fresh 256 KiB buffer each was most of the
  // allocation (and so of the time) of a run.
  private static final ThreadLocal<byte[]> BUFFER = ThreadLocal.withInitial(() -> new byte[256 * 1024]);
  private static final ThreadLocal<DualDigest> DIGEST = ThreadLocal.withInitial(DualDigest::new);

  private final ObjectStore store;
  private final List<ObjectId> roots = new ArrayList<>();
  private final List<ObjectId> unfinished = new ArrayList<>();
  private Progress progress = Progress.NONE;
  private int threads = Runtime.getRuntime().availableProcessors();

  /** Problems found while hashing, by object id: what is wrong with the bytes themselves. */
  private final Map<ObjectId, Problem> damaged = new ConcurrentHashMap<>();
  /** All problems with the paths found so far, keyed by id and detail. */
  private final Map<String, Found> found = new LinkedHashMap<>();
  private final Map<ObjectId, Boolean> treeClean = new HashMap<>();
  private long treesWalked;

  public Fsck(ObjectStore store) {
    this.store = store;
  }

  /** Versions whose references are checked (manifest ids); without any, only the objects are. */
  public Fsck roots(Collection<ObjectId> manifests) {
    roots.addAll(manifests);
    return this;
  }

  /**
   * Manifests that may lack objects without that being damage (a pull in flight, a manifest that
   * nothing names); their missing objects are counted, their stored ones checked.
   */
  public Fsck unfinished(Collection<ObjectId> manifests) {
    unfinished.addAll(manifests);
    return this;
  }

  public Fsck progress(Progress p) {
    this.progress = p == null ? Progress.NONE : p;
    return this;
  }

  /** Hashing threads; by default one per core. */
  public Fsck threads(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("threads must be at least 1: " + n);
    }
    this.threads = n;
    return this;
  }

  public FsckReport run() throws IOException {
    List<ObjectInfo> infos = new ArrayList<>();
    if (store instanceof DiskObjectStore disk) {
      disk.forEachReportingDamage(infos::add,
          e -> add(Problem.Kind.CORRUPT, null, e.id(), "index record damaged: " + e.detail(), null));
    } else {
      store.forEach(infos::add);
    }
    long bytes = checkObjects(infos);
    int walked = 0;
    for (ObjectId root : roots) {
      checkVersion(root);
      walked++;
    }
    List<FsckReport.Unfinished> lacking = new ArrayList<>();
    for (ObjectId m : unfinished) {
      long missing = missingFromStored(m);
      if (missing > 0) {
        lacking.add(new FsckReport.Unfinished(m, missing));
      }
    }
    progress.update("references", treesWalked, treesWalked);
    for (Problem p : damaged.values()) {
      found.computeIfAbsent(p.id() + p.detail(), k -> new Found(p.kind(), p.type(), p.id(), p.detail()));
    }
    List<Path> orphans = new ArrayList<>();
    if (store instanceof DiskObjectStore disk) {
      progress.update("orphans", 0, -1);
      disk.forEachOrphan(orphans::add);
      progress.update("orphans", orphans.size(), orphans.size());
    }
    List<Problem> problems = new ArrayList<>();
    for (Found f : found.values()) {
      problems.add(new Problem(f.kind, f.type, f.id, f.detail, new ArrayList<>(f.paths)));
    }
    problems.sort(Comparator.comparing(Problem::id, Comparator.nullsFirst(Comparator.naturalOrder()))
        .thenComparing(Problem::detail));
    return new FsckReport(infos.size(), bytes, walked, treesWalked, problems, orphans, lacking);
  }

  // ---- phase 1: every object's bytes --------------------------------------------------------

  private long checkObjects(List<ObjectInfo> infos) throws IOException {
    AtomicLong done = new AtomicLong();
    AtomicLong bytes = new AtomicLong();
    long total = infos.size();
    progress.update("objects", 0, total);
    ExecutorService pool = DaemonPool.fixed(threads, "casfs-fsck");
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int from = 0; from < infos.size(); from += BATCH) {
        List<ObjectInfo> batch = infos.subList(from, Math.min(infos.size(), from + BATCH));
        futures.add(pool.submit(() -> {
          for (ObjectInfo info : batch) {
            if (Thread.currentThread().isInterrupted()) {
              return null; // another batch failed: fsck is ending
            }
            Problem p = checkObject(info, bytes);
            if (p != null) {
              damaged.put(info.id(), p);
            }
          }
          progress.update("objects", done.addAndGet(batch.size()), total);
          return null;
        }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("fsck interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw new IllegalStateException("fsck failed", e.getCause());
    } finally {
      // The workers read the store: they must be done before the caller may close it.
      DaemonPool.stopAndAwait(pool);
    }
    return bytes.get();
  }

  /** The problem with this object's bytes, or null if they are sound. */
  private Problem checkObject(ObjectInfo info, AtomicLong bytesHashed) throws IOException {
    ObjectId id = info.id();
    boolean keep = info.type() != ObjectType.BLOB;
    ByteArrayOutputStream copy = keep ? new ByteArrayOutputStream((int) Math.min(info.size(), 1 << 20)) : null;
    DualDigest digest = DIGEST.get();
    digest.finish(); // discards whatever an object that failed half way left in it
    try (InputStream in = openStored(id)) {
      if (in == null) {
        return null; // removed since the enumeration
      }
      byte[] buf = BUFFER.get();
      for (int n; (n = in.read(buf)) > 0; ) {
        digest.update(buf, 0, n);
        bytesHashed.addAndGet(n);
        if (digest.length() > info.size()) {
          // A damaged file may be huge (or endless): no need to read past what the index promises.
          return new Problem(Problem.Kind.CORRUPT, info.type(), id, "corrupt (longer than the " + info.size()
              + " bytes recorded)", List.of());
        }
        if (keep) {
          if (copy.size() + n > info.size()) {
            keep = false; // longer than recorded: reported below, and not decoded
            copy = null;
          } else {
            copy.write(buf, 0, n);
          }
        }
      }
    } catch (MissingObjectException e) {
      return new Problem(Problem.Kind.MISSING, info.type(), id, "its bytes are gone (the index names it)", List.of());
    } catch (CorruptObjectException e) {
      return new Problem(Problem.Kind.CORRUPT, info.type(), id, "unreadable: " + e.detail(), List.of());
    } catch (IOException e) {
      if (!ReadFailures.blameTheObject(e)) {
        throw e; // the database itself, or fsck stopping
      }
      // Its file cannot be read (a bad sector: EIO): this object is damaged, the others may well
      // not be, and 'fsck --repair' writes a good copy to new blocks.
      return new Problem(Problem.Kind.CORRUPT, info.type(), id, "unreadable: " + e.getMessage(), List.of());
    }
    long length = digest.length();
    Hashes actual = digest.finish();
    if (!actual.id().equals(id)) {
      String size = length == info.size() ? "" : "has " + length + " bytes where " + info.size() + " were recorded, ";
      return new Problem(Problem.Kind.CORRUPT, info.type(), id, "corrupt (" + size + "hashes to " + actual.id() + ")",
          List.of());
    }
    if (length != info.size()) {
      return new Problem(Problem.Kind.CORRUPT, info.type(), id,
          "index records " + info.size() + " bytes, the object has " + length, List.of());
    }
    if (!actual.sha256().equals(info.sha256())) {
      return new Problem(Problem.Kind.CORRUPT, info.type(), id, "SHA-256 is " + actual.sha256()
          + " where the index records " + info.sha256() + " (a SHA-1 collision?)", List.of());
    }
    if (info.type() == ObjectType.TREE || info.type() == ObjectType.MANIFEST) {
      try {
        if (info.type() == ObjectType.TREE) {
          TreeCodec.decode(id, copy.toByteArray());
        } else {
          ManifestCodec.decode(id, copy.toByteArray());
        }
      } catch (CorruptObjectException e) {
        return new Problem(Problem.Kind.UNDECODABLE, info.type(), id, e.detail(), List.of());
      }
    }
    return null;
  }

  private InputStream openStored(ObjectId id) throws IOException {
    if (store instanceof RawObjectSource raw) {
      return raw.openStoredOrNull(id);
    }
    return store.contains(id) ? store.open(id) : null;
  }

  // ---- phase 2: every reference from the given versions ---------------------------------------

  private void checkVersion(ObjectId manifestId) throws IOException {
    progress.update("references", treesWalked, -1);
    String where = "version " + manifestId.name().substring(0, 12);
    if (!checkRef(manifestId, null, ObjectType.MANIFEST, -1, where)) {
      return;
    }
    Manifest m;
    try {
      m = ManifestCodec.decode(manifestId, store.read(manifestId));
    } catch (MissingObjectException | CorruptObjectException e) {
      add(Problem.Kind.CORRUPT, ObjectType.MANIFEST, manifestId, e.getMessage(), where);
      return;
    }
    if (checkRef(m.root().id(), m.root(), ObjectType.TREE, -1, "/")) {
      walkTree(m.root().id(), "");
    }
  }

  /** Checks one tree's entries (recursing into sound subtrees); true if nothing below is wrong. */
  private boolean walkTree(ObjectId treeId, String path) throws IOException {
    Boolean memo = treeClean.get(treeId);
    if (memo != null && memo) {
      return true;
    }
    if (memo == null) {
      treesWalked++;
      if (treesWalked % 256 == 0) {
        progress.update("references", treesWalked, -1);
      }
    }
    // A tree seen before with problems below is walked again, to record this path too.
    Tree tree;
    try {
      tree = TreeCodec.decode(treeId, store.read(treeId));
    } catch (MissingObjectException | CorruptObjectException e) {
      // Damaged since phase 1 checked it (or a cache disagrees): report, do not abort.
      add(e instanceof MissingObjectException ? Problem.Kind.MISSING : Problem.Kind.CORRUPT, ObjectType.TREE, treeId,
          e instanceof CorruptObjectException c ? c.detail() : "missing", path.isEmpty() ? "/" : path);
      treeClean.put(treeId, false);
      return false;
    }
    boolean clean = true;
    for (Entry e : tree.entries()) {
      if (!e.type().hasChildObject()) {
        continue;
      }
      String childPath = path + "/" + e.name().printable();
      boolean dir = e.type() == EntryType.DIRECTORY;
      boolean ok = checkRef(e.childId(), e.child(), dir ? ObjectType.TREE : ObjectType.BLOB, dir ? -1 : e.size(),
          childPath);
      if (ok && dir) {
        ok = walkTree(e.childId(), childPath);
      }
      clean &= ok;
    }
    treeClean.put(treeId, clean);
    return clean;
  }

  // ---- unfinished versions: as far as they are stored ------------------------------------------

  /** How many objects an unfinished version names that are not stored; checks those that are. */
  private long missingFromStored(ObjectId manifestId) throws IOException {
    if (!store.contains(manifestId)) {
      return 1;
    }
    Manifest m;
    try {
      m = ManifestCodec.decode(manifestId, store.read(manifestId));
    } catch (MissingObjectException | CorruptObjectException e) {
      add(Problem.Kind.CORRUPT, ObjectType.MANIFEST, manifestId, e.getMessage(), "version "
          + manifestId.name().substring(0, 12));
      return 0;
    }
    return missingBelow(m.root(), ObjectType.TREE, -1, "/", new HashSet<>());
  }

  /** 1 if the object {@code ref} names is not stored, else the count below it (checking what is). */
  private long missingBelow(Hashes ref, ObjectType expected, long size, String path, Set<ObjectId> seen)
      throws IOException {
    ObjectId id = ref.id();
    if (!seen.add(id)) {
      return 0;
    }
    try {
      if (store.statOrNull(id) == null) {
        return 1;
      }
    } catch (CorruptObjectException e) {
      // checkRef reports the damaged index record
    }
    if (!checkRef(id, ref, expected, size, path) || expected != ObjectType.TREE
        || Boolean.TRUE.equals(treeClean.get(id))) {
      return 0;
    }
    Tree tree;
    try {
      tree = TreeCodec.decode(id, store.read(id));
    } catch (MissingObjectException | CorruptObjectException e) {
      return 0; // phase 1 reported it
    }
    long missing = 0;
    for (Entry e : tree.entries()) {
      if (e.type().hasChildObject()) {
        boolean dir = e.type() == EntryType.DIRECTORY;
        missing += missingBelow(e.child(), dir ? ObjectType.TREE : ObjectType.BLOB, dir ? -1 : e.size(),
            (path.equals("/") ? "" : path) + "/" + e.name().printable(), seen);
      }
    }
    return missing;
  }

  /** Checks that {@code id} is stored, sound and as {@code ref} names it; records problems at {@code path}. */
  private boolean checkRef(ObjectId id, Hashes ref, ObjectType expected, long size, String path) throws IOException {
    ObjectInfo info;
    try {
      info = store.statOrNull(id);
    } catch (CorruptObjectException e) {
      add(Problem.Kind.CORRUPT, null, id, "index record damaged: " + e.detail(), path);
      return false;
    }
    if (info == null) {
      add(Problem.Kind.MISSING, expected, id, "missing", path);
      return false;
    }
    boolean ok = true;
    if (info.type() != expected) {
      add(Problem.Kind.BAD_REFERENCE, expected, id, "the entry names a " + lower(expected) + ", the store holds a "
          + lower(info.type()), path);
      ok = false;
    }
    if (ref != null && !ref.sha256().equals(info.sha256())) {
      add(Problem.Kind.BAD_REFERENCE, expected, id, "the entry names SHA-256 " + ref.sha256()
          + ", the stored object has " + info.sha256(), path);
      ok = false;
    }
    if (size >= 0 && info.type() == ObjectType.BLOB && info.size() != size) {
      add(Problem.Kind.BAD_REFERENCE, expected, id, "the entry says " + size + " bytes, the stored blob has "
          + info.size(), path);
      ok = false;
    }
    Problem bad = damaged.get(id);
    if (bad != null) {
      add(bad.kind(), bad.type(), id, bad.detail(), path);
      ok = false;
    }
    return ok;
  }

  private static String lower(ObjectType t) {
    return t.name().toLowerCase(java.util.Locale.ROOT);
  }

  private void add(Problem.Kind kind, ObjectType type, ObjectId id, String detail, String pathOrNull) {
    Found f = found.computeIfAbsent(id + detail, k -> new Found(kind, type, id, detail));
    if (pathOrNull != null && f.paths.size() < MAX_PATHS) {
      f.paths.add(pathOrNull);
    }
  }

  private static final class Found {
    final Problem.Kind kind;
    final ObjectType type;
    final ObjectId id;
    final String detail;
    final LinkedHashSet<String> paths = new LinkedHashSet<>();

    Found(Problem.Kind kind, ObjectType type, ObjectId id, String detail) {
      this.kind = kind;
      this.type = type;
      this.id = id;
      this.detail = detail;
    }
  }
}
