package org.casfs.cas.io;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.casfs.cas.Entry;
import org.casfs.cas.EntryType;
import org.casfs.cas.HashedBytes;
import org.casfs.cas.Hashes;
import org.casfs.cas.Metadata;
import org.casfs.cas.Name;
import org.casfs.cas.Tree;
import org.casfs.cas.TreeCodec;
import org.casfs.cas.Xattrs;
import org.casfs.cas.posix.FileStat;
import org.casfs.cas.posix.Posix;
import org.casfs.cas.posix.PosixException;
import org.casfs.cas.store.ObjectDatabase;

/**
 * One import: a single thread walks the tree (lstat, xattrs, readlink) and hands regular files
 * to a pool of hashing workers through a bounded window ({@link InFlightWindow}), so memory stays
 * bounded however many and however large the files. Each directory's tree is built as soon as its
 * last child is done, by the thread that finished it, and its children are dropped then: the
 * import holds the directories it is in the middle of, not the whole tree. Directories holding a
 * hard link (and those above them) wait for the end of the walk, when the link groups are known.
 * Not thread-safe; use once.
 */
final class ImportRun {
  private final ObjectDatabase db;
  private final ImportOptions options;
  private final int inFlightPerThread;
  private final ProgressListener progress;
  private final byte[] root;
  private final byte[] rootPrefix;
  private final BlobImporter blobs;
  private final StatCache cache;
  private final LinkGroups links;
  /** The regular files seen, for the stat cache to forget the rest. */
  private final PathFingerprints regularFiles = new PathFingerprints();
  /** Directories whose children are held (listed, tree not built yet): now and at most. */
  private final AtomicInteger heldDirectories = new AtomicInteger();
  private final AtomicInteger heldDirectoriesPeak = new AtomicInteger();
  private final AtomicReference<IOException> failure = new AtomicReference<>();
  private final AtomicLong doneEntries = new AtomicLong();
  private final AtomicLong totalEntries = new AtomicLong();
  private final AtomicLong doneBytes = new AtomicLong();
  private final AtomicLong totalBytes = new AtomicLong();
  private long files;
  private long bytes;
  private long entries;
  private long excluded;
  private long mountPoints;

  ImportRun(ObjectDatabase db, byte[] root, ImportOptions options, ProgressListener progress) {
    this(db, root, options, progress, InFlightWindow.JOBS_PER_WORKER);
  }

  /**
   * As above, with a window of {@code inFlightPerThread} files per worker (tests). The directories
   * the import holds are at most those of the files in flight and the directories above them.
   */
  ImportRun(ObjectDatabase db, byte[] root, ImportOptions options, ProgressListener progress, int inFlightPerThread) {
    this.db = db;
    this.options = options;
    this.inFlightPerThread = inFlightPerThread;
    this.progress = progress;
    this.root = root;
    this.rootPrefix = root.length > 0 && root[root.length - 1] == '/' ? root : Posix.join(root, new byte[0]);
    this.blobs = new BlobImporter(db.store());
    this.cache = options.statCache() == null ? null : new StatCache(options.statCache(), db.store());
    this.links = new LinkGroups(rootPrefix.length);
  }

  ImportResult run() throws IOException {
    FileStat rootStat = Posix.lstat(root);
    if (!rootStat.isDirectory()) {
      throw new IOException(Posix.printable(root) + " is not a directory; import takes a directory");
    }
    ScannedNode top = new ScannedNode(null, null, root, rootStat, xattrs(root));
    InFlightWindow inFlight = InFlightWindow.forWorkers(options.threads(), inFlightPerThread);
    AtomicInteger threadNo = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(options.threads(), r -> {
      Thread t = new Thread(r, "casfs-import-" + threadNo.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    try {
      walk(top, pool, inFlight, rootStat.dev());
      inFlight.awaitEmpty();
      // The workers' reports may reach the listener in any order; this one, after them all, is last.
      progress.progress(doneEntries.get(), totalEntries.get(), doneBytes.get(), totalBytes.get());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("import of " + Posix.printable(root) + " interrupted");
    } finally {
      Workers.stop(pool);
    }
    throwIfFailed();
    Hashes rootTree = top.tree;
    if (rootTree == null) { // it holds a hard link: the groups are known now
      rootTree = buildTree(top, links.assign());
    }
    if (cache != null) {
      cache.commit(regularFiles, rootPrefix);
    }
    Metadata rootMeta = metadata(top);
    return new ImportResult(rootTree, rootMeta, entries, files, bytes, blobs.newObjects.get(),
        blobs.reusedObjects.get(), blobs.filesRead.get(), blobs.bytesRead.get(), excluded, mountPoints);
  }

  private void throwIfFailed() throws IOException {
    IOException e = failure.get();
    if (e != null) {
      throw e;
    }
  }

  private Xattrs xattrs(byte[] path) throws IOException {
    try {
      return Xattrs.of(Posix.readXattrs(path));
    } catch (IllegalArgumentException e) {
      throw new IOException("cannot import " + Posix.printable(path) + ": " + e.getMessage(), e);
    }
  }

  private void walk(ScannedNode dir, ExecutorService pool, InFlightWindow inFlight, long rootDevice)
      throws IOException, InterruptedException {
    List<byte[]> names;
    if (options.oneFileSystem() && dir.stat.dev() != rootDevice) {
      names = List.of(); // a mount point: imported as the empty directory it is without the mount
      mountPoints++;
    } else {
      try {
        names = Posix.list(dir.path());
      } catch (PosixException e) {
        throw TreeChanged.orRemoved(e, dir.path());
      }
      names.sort(Arrays::compareUnsigned);
    }
    List<ScannedNode> children = new ArrayList<>(names.size());
    dir.children = children;
    heldDirectoriesPeak.accumulateAndGet(heldDirectories.incrementAndGet(), Math::max);
    totalEntries.addAndGet(names.size());
    for (byte[] name : names) {
      throwIfFailed();
      byte[] path = Posix.join(dir.path(), name);
      if (isExcluded(path)) {
        excluded++;
        doneEntries.incrementAndGet();
        continue;
      }
      FileStat st;
      ScannedNode node;
      try {
        st = Posix.lstat(path);
        node = new ScannedNode(dir, name, path, st, xattrs(path));
        if (st.isSymlink()) {
          node.target = Posix.readlink(path);
        }
      } catch (PosixException e) {
        throw TreeChanged.orRemoved(e, path);
      }
      children.add(node);
      entries++;
      if (st.isDirectory()) {
        doneEntries.incrementAndGet();
        dir.unfinished.incrementAndGet();
        walk(node, pool, inFlight, rootDevice);
        continue;
      }
      ScannedNode first = node;
      if (st.nlink() > 1) {
        first = links.add(node);
        dir.waitsForLinks = true;
      }
      if (!st.isRegular()) {
        doneEntries.incrementAndGet();
        continue;
      }
      files++;
      bytes += st.size();
      regularFiles.add(path);
      if (first != node) {
        node.sameInode = first;
        doneEntries.incrementAndGet();
        continue;
      }
      totalBytes.addAndGet(st.size());
      dir.unfinished.incrementAndGet();
      inFlight.acquire();
      pool.execute(() -> {
        try {
          try {
            hash(node);
          } catch (IOException | RuntimeException e) {
            throw namingPath(node.path(), e);
          }
          childDone(dir);
        } catch (IOException | RuntimeException e) {
          IOException io = e instanceof IOException i ? i : new IOException("import failed: " + e, e);
          if (!failure.compareAndSet(null, io)) {
            failure.get().addSuppressed(io);
          }
        } finally {
          inFlight.release();
        }
      });
      progress.progress(doneEntries.get(), totalEntries.get(), doneBytes.get(), totalBytes.get());
    }
    childDone(dir); // the listing's own count: the walk is done with it
  }

  private boolean isExcluded(byte[] path) {
    return !options.excluded().isEmpty() && options.excluded().contains(
        new String(path, rootPrefix.length, path.length - rootPrefix.length, StandardCharsets.ISO_8859_1));
  }

  /**
   * One child of {@code dir} is done (or the walk is done listing it): the thread that finishes a
   * directory's last child builds its tree, which finishes a child of the directory above.
   */
  private void childDone(ScannedNode dir) throws IOException {
    for (ScannedNode d = dir; d != null && d.unfinished.decrementAndGet() == 0; d = d.parent) {
      if (d.waitsForLinks) {
        if (d.parent != null) {
          d.parent.waitsForLinks = true; // before its count drops, so whoever ends it sees this
        }
      } else if (failure.get() == null) {
        buildTree(d, Map.of());
      }
    }
  }

  /** The error as is if it names the path already (libc failures do), else wrapped so it does. */
  private static IOException namingPath(byte[] path, Exception e) {
    String where = Posix.printable(path);
    if (e instanceof IOException io && (e instanceof PosixException || String.valueOf(e.getMessage()).contains(where))) {
      return io;
    }
    return new IOException("cannot import " + where + ": " + e, e);
  }

  private void hash(ScannedNode node) throws IOException {
    if (failure.get() != null) {
      return;
    }
    byte[] path = node.path();
    Hashes h = cache == null ? null : cache.lookupOrNull(path, node.stat);
    if (h != null) {
      blobs.noteStored(h);
    } else {
      boolean racy = RacyFiles.isRacy(node.stat, System.currentTimeMillis() * 1_000_000L);
      h = blobs.importFile(path, node.stat, racy);
      node.cacheable = cache != null && !racy;
    }
    node.blob = h;
    progress.progress(doneEntries.incrementAndGet(), totalEntries.get(),
        doneBytes.addAndGet(node.stat.size()), totalBytes.get());
  }

  private Metadata metadata(ScannedNode node) throws IOException {
    FileStat st = node.stat;
    try {
      return new Metadata(st.permissions(), st.uid(), st.gid(), st.mtimeNanos(), node.xattrs);
    } catch (IllegalArgumentException e) {
      throw new IOException("cannot import " + Posix.printable(node.path()) + ": " + e.getMessage(), e);
    }
  }

  /**
   * Builds and stores a directory's tree (and those of its subdirectories not built yet), tells the
   * stat cache of the files it read, and drops the children.
   */
  private Hashes buildTree(ScannedNode dir, Map<ScannedNode, LinkGroups.Group> groups) throws IOException {
    List<ScannedNode> children = dir.children;
    List<Entry> out = new ArrayList<>(children.size());
    for (ScannedNode child : children) {
      out.add(entry(child, groups));
    }
    Tree tree = Tree.ofSorted(out);
    HashedBytes encoded;
    try {
      encoded = HashedBytes.of(TreeCodec.encode(tree));
    } catch (IllegalArgumentException e) {
      throw new IOException("cannot import " + Posix.printable(dir.path()) + ": " + e.getMessage()
          + " (a machine pulling the version takes no larger); spread its files over subdirectories", e);
    }
    Hashes h = encoded.hashes();
    if (blobs.claim(h.id())) {
      db.writeDecodedTree(encoded, tree); // encoded and hashed once, here
    }
    if (cache != null) {
      cache.remember(children);
    }
    dir.tree = h;
    dir.children = null;
    heldDirectories.decrementAndGet();
    return h;
  }

  /** The most directories whose children the import held at once: what its memory grows with. */
  int heldDirectoriesPeak() {
    return heldDirectoriesPeak.get();
  }

  private Entry entry(ScannedNode node, Map<ScannedNode, LinkGroups.Group> groups) throws IOException {
    Metadata meta = metadata(node);
    FileStat st = node.stat;
    try {
      Name name = Name.of(node.name);
      EntryType type = EntryType.fromModeOrNull(st.mode());
      if (type == null) {
        throw new IOException("cannot import " + Posix.printable(node.path()) + ": unknown file type, mode "
            + Integer.toOctalString(st.mode()));
      }
      Entry e = switch (type) {
        case DIRECTORY -> Entry.directory(name, meta, node.tree != null ? node.tree : buildTree(node, groups));
        case REGULAR -> Entry.file(name, meta, st.size(), node.blobHashes());
        case SYMLINK -> Entry.symlink(name, meta, node.target);
        case CHAR_DEVICE, BLOCK_DEVICE -> Entry.special(name, type, meta, st.rdev());
        case FIFO, SOCKET -> Entry.special(name, type, meta, 0);
      };
      LinkGroups.Group g = groups.get(node);
      return g == null ? e : e.withLink(g.id(), g.nlink());
    } catch (IllegalArgumentException e) {
      throw new IOException("cannot import " + Posix.printable(node.path()) + ": " + e.getMessage(), e);
    }
  }
}
