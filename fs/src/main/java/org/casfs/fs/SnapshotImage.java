package org.casfs.fs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.casfs.cas.CorruptObjectException;
import org.casfs.cas.Entry;
import org.casfs.cas.InodeNumbers;
import org.casfs.cas.Name;
import org.casfs.cas.ObjectException;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.DiskObjectStore;
import org.casfs.cas.store.ObjectStore;
import org.casfs.cas.store.ReadFailures;
import org.casfs.cas.store.Snapshot;

/**
 * The read side of a mount, with no FUSE types: the version the mount shows, the attributes of
 * its entries, the verified content of its files, feature xattrs and statfs.
 *
 * <p>The version is an {@link AtomicReference} to a {@link Snapshot}: {@link #switchTo} swaps
 * it, and every later lookup from the root sees the new version ({@link ImageServer}), while what
 * was found before keeps the version it was found in. Paths are byte strings as the kernel
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
  private volatile Consumer<ObjectId> damagedObjects = id -> {};

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

  /** The attributes of {@code e}, found at {@code path} in {@code s}. */
  static Attr attrOf(Snapshot s, Entry e, byte[] path) throws IOException {
    long ino = e.linkGroup() != 0 ? InodeNumbers.ofLinkGroup(e.linkGroup()) : InodeNumbers.ofPath(path);
    int nlink = e.nlink();
    if (e.isDirectory()) {
      nlink = 2 + s.tree(e).subdirectories();
    }
    return attr(e, ino, nlink);
  }

  private static Attr attr(Entry e, long ino, int nlink) {
    long size = e.size();
    long mtime = e.meta().mtimeNanos();
    return new Attr(ino, e.stMode(), nlink, e.meta().uid(), e.meta().gid(), e.rdev(), size,
        Attr.blocksFor(size), mtime, mtime);
  }

  /** The verified content of the regular file {@code e}, found at {@code path} in {@code s}. */
  FileContent openContent(Snapshot s, Entry e, byte[] path) throws IOException {
    try {
      return content(s, e);
    } catch (ObjectException ex) {
      log.accept("casfs: " + printable(path) + ": " + ex.getMessage());
      if (ex.id() != null) {
        damagedObjects.accept(ex.id());
      }
      throw ex;
    } catch (IOException ex) {
      if (!ReadFailures.blameTheObject(ex)) {
        throw ex;
      }
      // Its file cannot be read (a bad sector: EIO). The listener reads it again before it counts
      // as damaged (a peer's repair), so an error that passes costs one check.
      log.accept("casfs: " + printable(path) + ": " + ex.getMessage());
      damagedObjects.accept(e.childId());
      throw ex;
    }
  }

  /**
   * Who hears of each object found damaged when a file is opened (a peer daemon in the same
   * process fetches it again from its neighbours).
   */
  public void onDamagedObject(Consumer<ObjectId> listener) {
    this.damagedObjects = Objects.requireNonNull(listener, "listener");
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

  /**
   * True if {@code name} stands for a feature (SELinux labels, POSIX ACLs) that version {@code s}
   * uses on no file: a read-only mount then answers "not supported" ({@link XattrFeatures}).
   */
  boolean xattrFeatureUnused(Snapshot s, String name) throws IOException {
    return xattrFeatures.unused(s, name);
  }

  public FsStats statfs() throws IOException {
    return FsStats.of(statfsPath);
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

  /** The last name of {@code path} ({@code /a/b} -> {@code b}). */
  static byte[] lastName(byte[] path) {
    int end = path.length;
    while (end > 0 && path[end - 1] == '/') {
      end--;
    }
    int start = end;
    while (start > 0 && path[start - 1] != '/') {
      start--;
    }
    return java.util.Arrays.copyOfRange(path, start, end);
  }

  static String printable(byte[] path) {
    return Name.printable(path);
  }
}
