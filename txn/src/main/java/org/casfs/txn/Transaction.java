package org.casfs.txn;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.casfs.cas.EntryType;
import org.casfs.cas.Hashes;
import org.casfs.cas.Metadata;
import org.casfs.cas.Name;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.Repository;

/**
 * A copy-on-write change set on top of a base manifest (or on nothing, for a first import).
 * Operations are path-based and POSIX-like, as a FUSE adapter calls them; reads see the
 * transaction's own changes. Failures are the JDK's {@code java.nio.file} exceptions (ENOENT,
 * EEXIST, ENOTEMPTY, ENOTDIR) or {@link FsException} with an {@link Errno}; a refused operation
 * changes nothing.
 *
 * <p>Durability: every operation is appended to a journal in the key-value store before it
 * returns, and changed file contents live as files in {@code REPO/staging/txn-ID/}. Both survive
 * the process being killed at any instant: {@link Transactions#openOrNull()} replays the journal
 * and the transaction continues. Journal writes are not synced one by one (like a journaling
 * filesystem without fsync); {@link #sync()} makes everything so far survive power loss, and
 * {@link #commit} syncs before it returns. A write whose journal record was lost in a crash is
 * lost as a whole; a truncation is journaled before the file shrinks.
 *
 * <p>{@link #commit} writes the changed blobs, only the changed trees (unchanged subtrees keep
 * their ids) and one manifest whose parent is the base, and then forgets the transaction; it
 * does not move any ref. {@link #abort} leaves nothing behind. Thread-safe: all methods
 * serialize on this object (which may then take the {@link Transactions} lock, never the
 * other way round).
 */
public final class Transaction {
  private final Transactions owner;
  private final Repository repo;
  private final long id;
  private final ObjectId base;
  private final Path dir;
  final UpperLayer layer;
  private final DataFiles files;
  private long journalSeq;
  /** Tells this object from every other in this process (ids may repeat within a millisecond). */
  private static final AtomicLong INSTANCES = new AtomicLong();
  private final long instance = INSTANCES.incrementAndGet();
  /** How many times {@link #graftRoot} replaced the whole tree: its files' bytes came from elsewhere. */
  private long grafts;
  // volatile: Transactions reads it without this object's monitor (lock order is always
  // transaction before Transactions, never the reverse).
  private volatile boolean finished;
  private volatile ObjectId committedAs;
  /**
   * Data files of inodes that lost their last name (unlink, rename over them). Deleted once the
   * journal records that say so are durable ({@link #sync}): a crash before then replays the
   * journal without those records, and the file must still hold its bytes. Without this a
   * writable mount kept every deleted or replaced file's bytes on disk until the commit.
   */
  private final List<Integer> unnamedData = new ArrayList<>();
  private long unnamedBytes;
  /** Deleted files' bytes that make {@link #sync} run at once rather than wait for a caller's. */
  static final long UNNAMED_BYTES_BEFORE_SYNC = 64L << 20;

  Transaction(Transactions owner, Repository repo, long id, ObjectId base, Path dir, UpperLayer layer, long journalSeq) {
    this.owner = owner;
    this.repo = repo;
    this.id = id;
    this.base = base;
    this.dir = dir;
    this.layer = layer;
    this.journalSeq = journalSeq;
    this.files = new DataFiles(repo, dir);
  }

  /** A number naming this transaction (also its staging directory {@code txn-ID}). */
  public long id() {
    return id;
  }

  /** The manifest this transaction started from, or null for a transaction on nothing. */
  public ObjectId base() {
    return base;
  }

  /** The directory given to an import that this transaction records, or null. */
  public String importSource() {
    return layer.importSource;
  }

  Path stagingDir() {
    return dir;
  }

  // ---- reads ----

  public synchronized Stat getattr(String path) throws IOException {
    check();
    List<Name> names = UpperLayer.split(path);
    Node n = layer.lookup(path);
    return stat(names.isEmpty() ? Name.of("root") : names.get(names.size() - 1), n);
  }

  /** The entry at {@code path}, or null if nothing is there (ENOTDIR still throws). */
  public synchronized Stat lookupOrNull(String path) throws IOException {
    check();
    List<Name> names = UpperLayer.split(path);
    Node n = layer.lookupOrNull(names);
    return n == null ? null : stat(names.isEmpty() ? Name.of("root") : names.get(names.size() - 1), n);
  }

  /** A directory's entries in name order. */
  public List<Stat> readdir(String path) throws IOException {
    return readdir(path, null, Integer.MAX_VALUE);
  }

  /**
   * Up to {@code max} of a directory's entries in name order, those named after {@code after}
   * (null: from the first). A listing read a page at a time costs each page its own entries, not
   * the whole directory's: built whole for every 4 KiB the kernel asked for, {@code ls} of a
   * directory of 200,000 files through a writable mount took 14 s.
   */
  public synchronized List<Stat> readdir(String path, Name after, int max) throws IOException {
    check();
    Node n = layer.lookup(path);
    if (!n.isDir()) {
      throw new java.nio.file.NotDirectoryException(path);
    }
    NavigableMap<Name, Node> children = layer.children(n);
    if (after != null) {
      children = children.tailMap(after, false);
    }
    List<Stat> out = new ArrayList<>(); // not sized by the tail map: its size() walks it
    for (Map.Entry<Name, Node> e : children.entrySet()) {
      if (out.size() == max) {
        break;
      }
      out.add(stat(e.getKey(), e.getValue()));
    }
    return out;
  }

  public synchronized byte[] readlink(String path) throws IOException {
    check();
    Node n = layer.lookup(path);
    if (n.type != EntryType.SYMLINK) {
      throw new FsException(Errno.EINVAL, path, "not a symbolic link");
    }
    return n.target.clone();
  }

  /**
   * Reads up to {@code dst.remaining()} bytes at {@code offset}; returns how many (0 at or past
   * the end of the file).
   */
  public synchronized int read(String path, long offset, ByteBuffer dst) throws IOException {
    check();
    Node n = layer.lookup(path);
    UpperLayer.requireRegular(n, path);
    return read(n, n.data >= 0 ? channel(n.data) : null, path, offset, dst);
  }

  /** Reads {@code n}'s bytes from {@code data} (null: from its blob). */
  private int read(Node n, FileChannel data, String path, long offset, ByteBuffer dst) throws IOException {
    if (offset < 0) {
      throw new FsException(Errno.EINVAL, path, "negative offset");
    }
    if (offset >= n.size || !dst.hasRemaining()) {
      return 0;
    }
    int want = (int) Math.min(dst.remaining(), n.size - offset);
    if (data != null) {
      FileChannel ch = data;
      ByteBuffer slice = dst.slice().limit(want);
      int total = 0;
      while (slice.hasRemaining()) {
        int r = ch.read(slice, offset + total);
        if (r < 0) {
          break;
        }
        total += r;
      }
      // Past the data file's end (a crash cut a write): the file reads as zeros up to its size.
      while (total < want) {
        slice.put((byte) 0);
        total++;
      }
      dst.position(dst.position() + total);
      return total;
    }
    return BlobRanges.read(repo, n.blob.id(), offset, dst, want);
  }

  public synchronized byte[] getxattrOrNull(String path, String name) throws IOException {
    check();
    return layer.lookup(path).meta.xattrs().getOrNull(name);
  }

  public synchronized List<String> listxattr(String path) throws IOException {
    check();
    List<String> out = new ArrayList<>();
    layer.lookup(path).meta.xattrs().names().forEach(out::add);
    return out;
  }

  private Stat stat(Name name, Node n) throws IOException {
    // A directory's link count is its own two names and each subdirectory's "..", as on ext4,
    // tmpfs and the read-only mount.
    return new Stat(name, n.type, n.meta, n.isDir() ? 0 : n.size, n.rdev,
        n.isDir() ? 2 + layer.subdirectories(n) : n.nlink, n.ino, n.target, ctimeOf(n));
  }

  /** The ctime a stat shows: the inode's last change here, else its mtime. */
  private static long ctimeOf(Node n) {
    return n.ctime != 0 ? n.ctime : n.meta.mtimeNanos();
  }

  // ---- changes ----

  private long now() {
    return owner.clockNanos();
  }

  private static Metadata meta(int mode, long uid, long gid) {
    return Metadata.of(mode & Metadata.PERMISSION_MASK, uid, gid, 0);
  }

  private static final int S_ISGID = 02000;

  /**
   * The metadata of a new entry at {@code path}: in a setgid directory it takes the directory's
   * group, and a new subdirectory the setgid bit too (as ext4 and tmpfs do, for shared project
   * directories). The result is journaled, so replay does not depend on the parent's state.
   */
  private Metadata newMeta(String path, int mode, long uid, long gid, boolean dir) throws IOException {
    Node parent;
    try {
      parent = layer.parentOf(path, UpperLayer.split(path));
    } catch (IOException | RuntimeException e) {
      return meta(mode, uid, gid); // the operation itself refuses the path, with the right error
    }
    if ((parent.meta.mode() & S_ISGID) == 0) {
      return meta(mode, uid, gid);
    }
    return meta(dir ? mode | S_ISGID : mode, uid, parent.meta.gid());
  }

  /** Creates an empty regular file; EEXIST if the name is taken. */
  public synchronized void createFile(String path, int mode, long uid, long gid) throws IOException {
    check();
    requireAbsent(path);
    int data = newDataFile();
    perform(Op.of(Op.Kind.CREATE, path).withTime(now()).withData(data)
        .withTree(null, newMeta(path, mode, uid, gid, false)));
  }

  public synchronized void mkdir(String path, int mode, long uid, long gid) throws IOException {
    check();
    perform(Op.of(Op.Kind.MKDIR, path).withTime(now()).withTree(null, newMeta(path, mode, uid, gid, true)));
  }

  /** Makes a device node, fifo, socket or (as mknod(2) allows) an empty regular file. */
  public synchronized void mknod(String path, EntryType type, int mode, long rdev, long uid, long gid) throws IOException {
    check();
    requireAbsent(path);
    int data = type == EntryType.REGULAR ? newDataFile() : -1;
    perform(Op.of(Op.Kind.MKNOD, path).withTime(now()).withNumbers(rdev, type.code()).withData(data)
        .withTree(null, newMeta(path, mode, uid, gid, false)));
  }

  /** Makes {@code linkPath} a symlink holding {@code target}. */
  public synchronized void symlink(byte[] target, String linkPath, long uid, long gid) throws IOException {
    check();
    perform(Op.of(Op.Kind.SYMLINK, linkPath).withTime(now()).withBytes(target.clone())
        .withTree(null, newMeta(linkPath, 0777, uid, gid, false)));
  }

  public void symlink(String target, String linkPath, long uid, long gid) throws IOException {
    symlink(target.getBytes(StandardCharsets.UTF_8), linkPath, uid, gid);
  }

  /** Adds the name {@code newPath} for the inode at {@code existing}. */
  public synchronized void link(String existing, String newPath) throws IOException {
    check();
    perform(Op.of(Op.Kind.LINK, existing).withPath2(newPath).withTime(now()));
  }

  public synchronized void unlink(String path) throws IOException {
    check();
    Node n = nodeOrNull(path);
    perform(Op.of(Op.Kind.UNLINK, path).withTime(now()));
    forgetIfUnnamed(n);
  }

  public synchronized void rmdir(String path) throws IOException {
    check();
    perform(Op.of(Op.Kind.RMDIR, path).withTime(now()));
  }

  /** rename(2): files and whole directories, replacing a target as POSIX allows. */
  public synchronized void rename(String from, String to) throws IOException {
    check();
    Node replaced = nodeOrNull(to);
    perform(Op.of(Op.Kind.RENAME, from).withPath2(to).withTime(now()));
    forgetIfUnnamed(replaced);
  }

  public synchronized void chmod(String path, int mode) throws IOException {
    check();
    perform(Op.of(Op.Kind.CHMOD, path).withTime(now()).withNumbers(mode, 0));
  }

  /** Changes owner and group; -1 leaves one unchanged. */
  public synchronized void chown(String path, long uid, long gid) throws IOException {
    check();
    if (uid > 0xffffffffL || gid > 0xffffffffL) {
      throw new FsException(Errno.EINVAL, path, "uid/gid out of range");
    }
    perform(Op.of(Op.Kind.CHOWN, path).withTime(now()).withNumbers(uid, gid));
  }

  /** Sets the modification time (ns since the epoch). */
  public synchronized void utimens(String path, long mtimeNanos) throws IOException {
    check();
    perform(Op.of(Op.Kind.UTIMENS, path).withTime(now()).withNumbers(mtimeNanos, 0));
  }

  public synchronized void setxattr(String path, String name, byte[] value) throws IOException {
    check();
    perform(Op.of(Op.Kind.SETXATTR, path).withTime(now()).withText(name).withBytes(value.clone()));
  }

  public synchronized void removexattr(String path, String name) throws IOException {
    check();
    perform(Op.of(Op.Kind.REMOVEXATTR, path).withTime(now()).withText(name));
  }

  /** Writes {@code src}'s remaining bytes at {@code offset}, extending the file as needed. */
  public synchronized int write(String path, long offset, ByteBuffer src) throws IOException {
    check();
    Node n = layer.lookup(path);
    UpperLayer.requireRegular(n, path);
    if (offset < 0 || offset + src.remaining() > org.casfs.cas.Entry.MAX_SIZE) {
      throw new FsException(Errno.EINVAL, path, "offset out of range");
    }
    int data = n.data >= 0 ? n.data : withRoom(() -> copyUp(n, Long.MAX_VALUE));
    n.bytesChanged++; // before the bytes: a write that fails half way may have changed some
    int len = src.remaining();
    int start = src.position();
    FileChannel ch = channel(data);
    withRoom(() -> {
      src.position(start);
      long pos = offset;
      while (src.hasRemaining()) {
        pos += ch.write(src, pos);
      }
      return len;
    });
    // Data first, journal second: a crash in between loses this write as a whole.
    try {
      perform(Op.of(Op.Kind.WRITE, path).withTime(now()).withNumbers(offset, len).withData(data));
    } catch (IOException e) {
      // Not recorded (a full disk): bytes it appended past the file's size would show through a
      // later write's gap, so they go. (Bytes it overwrote stay, as a failed write(2) may leave.)
      if (n.data == data && ch.size() > n.size) {
        ch.truncate(n.size);
      }
      throw e;
    }
    return len;
  }

  public synchronized void write(String path, long offset, byte[] bytes) throws IOException {
    write(path, offset, ByteBuffer.wrap(bytes));
  }

  public synchronized void truncate(String path, long size) throws IOException {
    check();
    Node n = layer.lookup(path);
    UpperLayer.requireRegular(n, path);
    if (size < 0 || size > org.casfs.cas.Entry.MAX_SIZE) {
      throw new FsException(Errno.EINVAL, path, "size out of range");
    }
    int data = n.data >= 0 ? n.data : copyUp(n, size);
    n.bytesChanged++;
    // Journal first, shrink second: after a crash, replay's size wins and the file is cut to it.
    perform(Op.of(Op.Kind.TRUNCATE, path).withTime(now()).withNumbers(size, 0).withData(data));
    channel(data).truncate(size);
    if (channel(data).size() < size) {
      channel(data).write(ByteBuffer.allocate(1), size - 1);
    }
  }

  /**
   * Replaces the whole root with a tree already in the store (an import's result). Everything
   * the tree reaches must be in the store and durable (flushed) before this is called.
   */
  public synchronized void graftRoot(Hashes tree, Metadata rootMeta) throws IOException {
    check();
    perform(Op.of(Op.Kind.GRAFT, "/").withTree(tree, rootMeta));
    grafts++;
  }

  /** Records that an import of {@code sourceDir} runs in this transaction (resumable by rerunning it). */
  synchronized void markImport(String sourceDir) throws IOException {
    check();
    perform(Op.of(Op.Kind.IMPORT_STARTED, "/").withText(sourceDir));
    sync();
  }

  /**
   * Makes every change so far survive power loss (fsync of data files and the journal), and then
   * deletes the data files of inodes that lost their last name.
   */
  public synchronized void sync() throws IOException {
    check();
    files.force();
    repo.flush();
    for (int data : unnamedData) {
      files.delete(data);
    }
    unnamedData.clear();
    unnamedBytes = 0;
  }

  public synchronized CommitResult commit(String label) throws IOException {
    check();
    CommitResult r = new CommitWriter(repo, owner, this).commit(label == null ? "" : label);
    committedAs = r.manifest();
    finish();
    owner.forget(this, false);
    return r;
  }

  /** Throws away every change; nothing of this transaction remains. */
  public synchronized void abort() throws IOException {
    if (finished) {
      return;
    }
    finish();
    owner.forget(this, true);
  }

  /** Whether anything was done in this transaction (an undone change counts: it was journaled). */
  public synchronized boolean hasChanges() {
    return journalSeq > 0;
  }

  /** True once committed or aborted. */
  public boolean isFinished() {
    return finished;
  }

  /** The version this transaction became, or null if it is open or was aborted. */
  public ObjectId committedAsOrNull() {
    return committedAs;
  }

  // ---- open files ----

  /**
   * Opens the regular file at {@code path}: reads and writes through the returned handle reach
   * this inode whatever later happens to its names ({@link OpenFile}). Close it with {@link
   * #close(OpenFile)}.
   */
  public synchronized OpenFile open(String path) throws IOException {
    check();
    Node n = layer.lookup(path);
    if (n.isDir()) {
      throw new FsException(Errno.EISDIR, path, "is a directory");
    }
    n.opens++;
    return new OpenFile(this, n);
  }

  /** {@link #createFile} and {@link #open} in one step, so nothing can come between them. */
  public synchronized OpenFile createAndOpen(String path, int mode, long uid, long gid) throws IOException {
    createFile(path, mode, uid, gid);
    return open(path);
  }

  /**
   * Ends {@code f}. The last close of a file that lost every name frees its bytes. Idempotent;
   * allowed after the transaction finished.
   */
  public synchronized void close(OpenFile f) throws IOException {
    requireOwn(f);
    if (f.closed) {
      return;
    }
    f.closed = true;
    Node n = f.node;
    if (--n.opens == 0 && n.orphan != null) {
      n.orphan.close();
      n.orphan = null;
    }
  }

  /**
   * Whether {@code f} no longer has a name the journal can reach: it lost its last name, or its
   * transaction finished and the next one has no name for it ({@link OpenFile#strand}). Such a
   * file is read and written apart, never journaled. A named file of a finished transaction is
   * refused with {@link TransactionFinishedException}, for the caller to reopen it by name.
   */
  private boolean detached(OpenFile f) {
    if (f.node.nlink == 0 || f.stranded) {
      return true;
    }
    if (finished) {
      throw new TransactionFinishedException(id); // the caller moves it to the next one by name
    }
    return false;
  }

  /**
   * Names the bytes an open file holds now: the stored blob it still is, or its data file and how
   * many times the transaction changed that file's bytes; with this transaction object and how
   * many times its whole tree was replaced so far. Two equal answers mean the same bytes, so a
   * kernel that cached the file at the first may keep what it cached. Null for a file served
   * apart (it lost its names, or its transaction finished).
   */
  public synchronized FileBytes fileBytesOrNull(OpenFile f) {
    requireOwn(f);
    Node n = f.node;
    if (n.type != EntryType.REGULAR || n.orphan != null || n.nlink == 0 || f.stranded || finished
        || n.data < 0 && n.blob == null) {
      return null;
    }
    return new FileBytes(instance, grafts, n.data < 0 ? n.blob : null, n.data, n.bytesChanged);
  }

  /**
   * See {@link #fileBytesOrNull}: {@code transaction} tells this object from any other; {@code
   * blob} is null for a file with a data file ({@code data} and {@code changes}), {@code data} -1
   * for a blob.
   */
  public record FileBytes(long transaction, long grafts, Hashes blob, int data, long changes) {}

  /** What {@code stat} shows of an open file; nlink 0 once it has no name. */
  public synchronized Stat stat(OpenFile f) throws IOException {
    requireOwn(f);
    Node n = f.node;
    detached(f);
    return stat(Name.of("open"), n);
  }

  /** Reads from an open file (see {@link #read(String, long, ByteBuffer)}). */
  public synchronized int read(OpenFile f, long offset, ByteBuffer dst) throws IOException {
    requireOwn(f);
    Node n = f.node;
    UpperLayer.requireRegular(n, "(open file)");
    if (!detached(f)) {
      check();
      return read(n, n.data >= 0 ? channel(n.data) : null, "(open file)", offset, dst);
    }
    if (n.orphan == null && n.data >= 0) {
      // Its transaction was aborted: its bytes went with it.
      throw new java.nio.file.NoSuchFileException("(open file of an aborted transaction)");
    }
    return read(n, n.orphan, "(open file)", offset, dst);
  }

  /**
   * Writes to an open file: journaled under {@code pathOrNull} (the name the caller knows it by,
   * or null) or, if that is not this inode's, under a name it has; apart, if it has none.
   */
  public synchronized int write(OpenFile f, String pathOrNull, long offset, ByteBuffer src) throws IOException {
    requireOwn(f);
    if (!detached(f)) {
      return write(nameOf(f, pathOrNull), offset, src);
    }
    Node n = f.node;
    if (offset < 0 || offset + src.remaining() > org.casfs.cas.Entry.MAX_SIZE) {
      throw new FsException(Errno.EINVAL, "(open file)", "offset out of range");
    }
    FileChannel ch = orphanChannel(n);
    int len = src.remaining();
    for (long pos = offset; src.hasRemaining(); ) {
      pos += ch.write(src, pos);
    }
    n.size = Math.max(n.size, offset + len);
    contentChanged(n);
    return len;
  }

  /** Truncates an open file, as {@link #write(OpenFile, String, long, ByteBuffer)} writes. */
  public synchronized void truncate(OpenFile f, String pathOrNull, long size) throws IOException {
    requireOwn(f);
    if (!detached(f)) {
      truncate(nameOf(f, pathOrNull), size);
      return;
    }
    Node n = f.node;
    if (size < 0 || size > org.casfs.cas.Entry.MAX_SIZE) {
      throw new FsException(Errno.EINVAL, "(open file)", "size out of range");
    }
    FileChannel ch = orphanChannel(n);
    ch.truncate(size);
    if (ch.size() < size) {
      ch.write(ByteBuffer.allocate(1), size - 1);
    }
    n.size = size;
    contentChanged(n);
  }

  /** Makes an open file at least {@code size} bytes long (zeros), as fallocate(2) mode 0 does. */
  public synchronized void extend(OpenFile f, String pathOrNull, long size) throws IOException {
    requireOwn(f);
    if (f.node.size < size) {
      truncate(f, pathOrNull, size);
    }
  }

  /**
   * A name of {@code f}'s inode in this transaction: {@code pathOrNull} if it names the inode,
   * else one found among the directories this transaction has opened (an inode's parent always
   * is one). Null if it has none.
   */
  public synchronized String pathOrNull(OpenFile f, String pathOrNull) throws IOException {
    requireOwn(f);
    if (pathOrNull != null && layer.lookupOrNull(UpperLayer.split(pathOrNull)) == f.node) {
      return pathOrNull;
    }
    return f.node.nlink == 0 ? null : layer.pathOrNull(f.node);
  }

  private String nameOf(OpenFile f, String pathOrNull) throws IOException {
    String p = pathOrNull(f, pathOrNull);
    if (p == null) {
      throw new java.nio.file.NoSuchFileException("(open file)");
    }
    return p;
  }

  /** An orphan's bytes changed now: its mtime and ctime. */
  private void contentChanged(Node n) {
    n.meta = n.meta.withMtime(now());
    n.ctime = n.meta.mtimeNanos();
  }

  private FileChannel orphanChannel(Node n) throws IOException {
    if (n.orphan == null) {
      if (n.data >= 0) {
        throw new java.nio.file.NoSuchFileException("(open file of an aborted transaction)");
      }
      n.orphan = OrphanContent.copyOf(repo, n, dir.getParent());
    }
    return n.orphan;
  }

  private void requireOwn(OpenFile f) {
    if (f.txn != this) {
      throw new IllegalArgumentException("file opened in transaction " + f.txn.id() + ", not " + id);
    }
  }

  // ---- internals ----

  private void finish() throws IOException {
    finished = true;
    files.closeAll();
  }

  private void check() throws IOException {
    if (finished) {
      throw new TransactionFinishedException(id);
    }
  }

  private void requireAbsent(String path) throws IOException {
    List<Name> names = UpperLayer.split(path);
    Node parent = layer.parentOf(path, names);
    if (layer.children(parent).containsKey(names.get(names.size() - 1))) {
      throw new FileAlreadyExistsException(path);
    }
  }

  /**
   * Validates {@code op}, journals it, then applies it. A refused op and an op whose record could
   * not be written (a full disk: ENOSPC for this call alone) both leave the transaction as it was,
   * in memory and in the journal, so the calls that follow (reads, the unlink that frees space)
   * go on. Before, the record was written after the change, and a failed write left memory ahead
   * of the journal, so every later call had to be refused until the repository was reopened.
   */
  private void perform(Op op) throws IOException {
    layer.apply(op, () -> owner.journal(id, journalSeq + 1, op));
    journalSeq++;
  }

  private Node nodeOrNull(String path) {
    try {
      return layer.lookupOrNull(UpperLayer.split(path));
    } catch (IOException | RuntimeException e) {
      return null; // the operation itself refuses the path, with the right error
    }
  }

  /** Notes {@code n}'s data file for deletion if the operation just done took its last name. */
  private void forgetIfUnnamed(Node n) throws IOException {
    if (n == null || n.isDir() || n.nlink > 0 || n.data < 0) {
      return;
    }
    if (n.opens > 0) {
      n.orphan = OrphanContent.detach(files.path(n.data));
    }
    unnamedData.add(n.data);
    unnamedBytes += n.size;
    // On a disk short of room, the rm that was typed to free it frees it now.
    if (unnamedBytes >= UNNAMED_BYTES_BEFORE_SYNC || owner.roomIsShort()) {
      sync();
    }
  }

  private interface IoAction {
    int run() throws IOException;
  }

  /**
   * Runs {@code action}; if the disk is full and deleted files still hold space, makes their
   * deletion durable, frees it, and runs {@code action} once more.
   */
  private int withRoom(IoAction action) throws IOException {
    try {
      return action.run();
    } catch (IOException e) {
      if (unnamedData.isEmpty() || !org.casfs.cas.posix.DiskFull.is(e)) {
        throw e;
      }
      sync();
      return action.run();
    }
  }

  private int newDataFile() throws IOException {
    int data = layer.nextData++;
    files.create(data);
    return data;
  }

  private int copyUp(Node n, long limit) throws IOException {
    int data = layer.nextData++;
    files.copyUp(n, limit, data); // a copy cut short (a full disk) is deleted, not left until the commit
    return data;
  }

  FileChannel channel(int data) throws IOException {
    return files.channel(data);
  }

  /** After replay: every data file holds exactly its node's size (a crash may have cut or extended it). */
  void normalizeDataFiles() throws IOException {
    files.normalize(layer.root);
  }
}
