package org.casfs.fs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.casfs.cas.CorruptObjectException;
import org.casfs.cas.Entry;
import org.casfs.cas.EntryType;
import org.casfs.cas.Name;
import org.casfs.cas.ObjectException;
import org.casfs.cas.Tree;
import org.casfs.cas.Xattrs;
import org.casfs.cas.store.DiskObjectStore;
import org.casfs.cas.store.ObjectStore;
import org.casfs.cas.store.Snapshot;

/**
 * The read side of a mount, with no FUSE types: path resolution, attributes, listings,
 * symlinks, xattrs, statfs and opening files over the version the mount currently shows.
 *
 * <p>The version is an {@link AtomicReference} to a {@link Snapshot}: {@link #switchTo} swaps
 * it, and every later lookup sees the new version, while {@link OpenFile}s and
 * {@link DirListing}s keep the version they were opened in. Paths are byte strings as the kernel
 * sends them ({@code /a/b}). Thread-safe.
 */
public final class SnapshotImage {
  private final AtomicReference<Snapshot> current;
  private final BlobVerifier verifier;
  private final Path statfsPath;
  private final Consumer<String> log;
  private volatile long lastSwitchNanos;
  private final List<Runnable> switchListeners = new CopyOnWriteArrayList<>();
  private volatile boolean pinned;
  private final XattrFeatures xattrFeatures = new XattrFeatures();

  /**
   * @param statfsPath a path on the filesystem that holds the repository (its free space is
   *     what {@code df} shows), or null to report zeros
   * @param log where a corrupt object is reported, one line each
   */
  public SnapshotImage(Snapshot initial, BlobVerifier verifier, Path statfsPath, Consumer<String> log) {
    this.current = new AtomicReference<>(Objects.requireNonNull(initial, "initial"));
    this.verifier = verifier;
    this.statfsPath = statfsPath;
    this.log = log;
  }

  public Snapshot current() {
    return current.get();
  }

  /**
   * Shows another version from now on; returns the one shown before. Listeners run after the swap,
   * on this thread, when the version changed.
   */
  public Snapshot switchTo(Snapshot next) {
    if (pinned) {
      throw new IllegalStateException("this image is pinned to version " + current.get().id()
          + "; mount without --version to follow switches");
    }
    Snapshot before = current.getAndSet(Objects.requireNonNull(next, "next"));
    if (!before.id().equals(next.id())) {
      lastSwitchNanos = System.nanoTime();
      switchListeners.forEach(Runnable::run);
    }
    return before;
  }

  /**
   * Refuses every later {@link #switchTo}: for a mount of one version, which lets the kernel keep
   * what it read for good.
   */
  public void pin() {
    pinned = true;
  }

  /** Runs {@code listener} after every switch to another version (the adapter tells the kernel). */
  public void addSwitchListener(Runnable listener) {
    switchListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  /** True if the shown version changed less than {@code nanos} ago. */
  public boolean switchedWithin(long nanos) {
    long t = lastSwitchNanos;
    return t != 0 && System.nanoTime() - t < nanos;
  }

  /** The entry at {@code path} in the current version. */
  public Entry lookup(byte[] path) throws IOException {
    return find(current.get(), Snapshot.split(path));
  }

  /**
   * The entry at {@code names}: the quiet walk first, which builds no message (most lookups find
   * something), then the walk that names what is missing or in the way.
   */
  private static Entry find(Snapshot s, List<Name> names) throws IOException {
    Entry e = s.lookupOrNull(names);
    return e != null ? e : s.lookup(names);
  }

  public Attr getattr(byte[] path) throws IOException {
    Snapshot s = current.get();
    return attrOf(s, find(s, Snapshot.split(path)), path);
  }

  /** The attributes of {@code e}, found at {@code path} in {@code s}. */
  static Attr attrOf(Snapshot s, Entry e, byte[] path) throws IOException {
    long ino = e.linkGroup() != 0 ? InodeNumbers.ofLinkGroup(e.linkGroup()) : InodeNumbers.ofPath(path);
    int nlink = e.nlink();
    if (e.isDirectory()) {
      nlink = 2 + subdirectories(s.tree(e));
    }
    return attr(e, ino, nlink);
  }

  private static Attr attr(Entry e, long ino, int nlink) {
    long size = e.size();
    long mtime = e.meta().mtimeNanos();
    return new Attr(ino, e.stMode(), nlink, e.meta().uid(), e.meta().gid(), e.rdev(), size,
        Attr.blocksFor(size), mtime, mtime);
  }

  private static int subdirectories(Tree t) {
    int n = 0;
    for (Entry c : t.entries()) {
      if (c.isDirectory()) {
        n++;
      }
    }
    return n;
  }

  /** Opens a directory of the current version for listing. */
  public DirListing opendir(byte[] path) throws IOException {
    Snapshot s = current.get();
    List<Name> names = Snapshot.split(path);
    Entry dir = find(s, names);
    if (!dir.isDirectory()) {
      throw new NotDirectoryException(printable(path));
    }
    Attr self = attrOf(s, dir, path);
    Attr parent = self;
    if (!names.isEmpty()) {
      byte[] parentPath = parentOf(path);
      parent = attrOf(s, find(s, names.subList(0, names.size() - 1)), parentPath);
    }
    return new DirListing(path.clone(), self, parent, s.tree(dir).entries());
  }

  /** Receives listing entries; returns false when it has no room for more. */
  public interface DirSink {
    boolean accept(DirEntry entry);
  }

  /**
   * Lists from {@code offset} (0 for the start, else a {@code nextOffset} given before) until
   * the sink is full or the directory ends. Entries carry inode and type; their nlink and size
   * are those of the tree entry (directories: 2), which is all a listing needs.
   */
  public void readdir(DirListing dir, long offset, DirSink sink) {
    if (offset < 0) {
      throw new IllegalArgumentException("negative directory offset " + offset);
    }
    if (offset == 0 && !sink.accept(new DirEntry(new byte[] {'.'}, dir.self, 1))) {
      return;
    }
    if (offset <= 1 && !sink.accept(new DirEntry(new byte[] {'.', '.'}, dir.parent, 2))) {
      return;
    }
    for (long i = Math.max(0, offset - 2); i < dir.entries.size(); i++) {
      Entry e = dir.entries.get((int) i);
      byte[] name = e.name().bytes();
      long ino = e.linkGroup() != 0 ? InodeNumbers.ofLinkGroup(e.linkGroup())
          : InodeNumbers.ofPath(child(dir.path, name));
      Attr a = attr(e, ino, e.isDirectory() ? 2 : e.nlink());
      if (!sink.accept(new DirEntry(name, a, i + 3))) {
        return;
      }
    }
  }

  /** The target of the symlink at {@code path}. */
  public byte[] readlink(byte[] path) throws IOException {
    Entry e = lookup(path);
    if (e.type() != EntryType.SYMLINK) {
      throw new NotLinkException(printable(path));
    }
    return e.target();
  }

  /**
   * Opens a regular file of the current version. A large blob's loose file is verified (once per
   * blob id) before it is handed out; damage is a {@link CorruptObjectException}, logged once
   * here with the object's id and the path.
   */
  public OpenFile open(byte[] path) throws IOException {
    Snapshot s = current.get();
    Entry e = regularFile(s, path);
    Attr attr = attrOf(s, e, path);
    return new OpenFile(path.clone(), s.id(), e, attr, openContent(s, e, path));
  }

  /** The entry of the regular file at {@code path} in the current version. */
  public Entry regularFile(byte[] path) throws IOException {
    return regularFile(current.get(), path);
  }

  private static Entry regularFile(Snapshot s, byte[] path) throws IOException {
    Entry e = find(s, Snapshot.split(path));
    if (e.isDirectory()) {
      throw new IsDirectoryException(printable(path));
    }
    if (!e.isRegular()) {
      throw new NoSuchFileException(printable(path), null, "not a regular file");
    }
    return e;
  }

  /**
   * The verified content of the regular file {@code e} (found at {@code path}) of the current
   * version, for reads that come without an open; see {@link #open}.
   */
  public FileContent openContent(Entry e, byte[] path) throws IOException {
    return openContent(current.get(), e, path);
  }

  /** The verified content of the regular file {@code e}, found at {@code path} in {@code s}. */
  FileContent openContent(Snapshot s, Entry e, byte[] path) throws IOException {
    try {
      return content(s, e);
    } catch (ObjectException ex) {
      log.accept("casfs: " + printable(path) + ": " + ex.getMessage());
      throw ex;
    }
  }

  private FileContent content(Snapshot s, Entry e) throws IOException {
    ObjectStore store = s.objects().store();
    if (e.size() == 0) {
      return FileContent.ofBytes(new byte[0]);
    }
    Path loose = null;
    if (store instanceof DiskObjectStore d && e.size() > d.inlineThreshold()) {
      if (verifier.isVerified(e.childId())) {
        // A blob that passed verification is a loose file: open it without asking the index
        // (two RocksDB reads per open, most of a warm open's cost). Gone meanwhile (gc): ask.
        try {
          return FileContent.ofChannel(FileChannel.open(d.loosePath(e.childId()), StandardOpenOption.READ), e.size());
        } catch (NoSuchFileException gone) {
          // fall through to the index
        }
      }
      loose = d.loosePathOrNull(e.childId());
    }
    if (loose == null) {
      byte[] bytes = store.read(e.childId());
      if (bytes.length != e.size()) {
        throw new CorruptObjectException(e.childId(), "it has " + bytes.length + " bytes where the tree records "
            + e.size());
      }
      return FileContent.ofBytes(bytes);
    }
    FileChannel ch = FileChannel.open(loose, StandardOpenOption.READ);
    try {
      verifier.verify(e.child(), e.size(), ch);
      return FileContent.ofChannel(ch, e.size());
    } catch (IOException | RuntimeException ex) {
      ch.close();
      throw ex;
    }
  }

  /** The value of one extended attribute, or null if the file lacks it. */
  public byte[] getxattrOrNull(byte[] path, String name) throws IOException {
    return lookup(path).meta().xattrs().getOrNull(name);
  }

  /**
   * True if {@code name} stands for a feature (SELinux labels, POSIX ACLs) that the version shown
   * uses on no file: a read-only mount then answers "not supported" ({@link XattrFeatures}).
   */
  public boolean xattrFeatureUnused(String name) throws IOException {
    return xattrFeatures.unused(current.get(), name);
  }

  /** {@link #xattrFeatureUnused(String)} for version {@code s}. */
  boolean xattrFeatureUnused(Snapshot s, String name) throws IOException {
    return xattrFeatures.unused(s, name);
  }

  /** Attribute names (ISO-8859-1 strings of their bytes), in order. */
  public List<String> listxattr(byte[] path) throws IOException {
    Xattrs x = lookup(path).meta().xattrs();
    List<String> out = new ArrayList<>(x.size());
    x.names().forEach(out::add);
    return out;
  }

  public FsStats statfs() throws IOException {
    return FsStats.of(statfsPath);
  }

  static byte[] child(byte[] dir, byte[] name) {
    int dl = dir.length;
    while (dl > 0 && dir[dl - 1] == '/') {
      dl--;
    }
    byte[] out = new byte[dl + 1 + name.length];
    System.arraycopy(dir, 0, out, 0, dl);
    out[dl] = '/';
    System.arraycopy(name, 0, out, dl + 1, name.length);
    return out;
  }

  static byte[] parentOf(byte[] path) {
    int end = path.length;
    while (end > 0 && path[end - 1] == '/') {
      end--;
    }
    int slash = end - 1;
    while (slash >= 0 && path[slash] != '/') {
      slash--;
    }
    return slash <= 0 ? new byte[] {'/'} : java.util.Arrays.copyOf(path, slash);
  }

  static String printable(byte[] path) {
    return Name.printable(path);
  }
}
