package org.casfs.fs;

import static org.casfs.fs.FuseOpcodes.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.NotDirectoryException;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.casfs.cas.Entry;
import org.casfs.cas.EntryType;
import org.casfs.cas.InodeNumbers;
import org.casfs.cas.Name;
import org.casfs.cas.ObjectId;
import org.casfs.cas.Tree;
import org.casfs.cas.Xattrs;
import org.casfs.cas.posix.Posix;
import org.casfs.cas.store.Snapshot;
import org.casfs.fs.NodeTable.Node;

/**
 * A read-only mount of a {@link SnapshotImage}, answering the kernel's FUSE requests itself
 * (protocol 7.31, {@link FuseWire}) instead of through libfuse's path-based callbacks. Nodes are
 * named by content ({@link NodeTable}), so nothing the kernel caches ever goes stale, and it may
 * cache everything for good:
 *
 * <ul>
 *   <li>names, negative names and attributes for a year;
 *   <li>file pages across opens, and no OPEN or RELEASE at all: the first OPEN answers
 *       {@code ENOSYS}, after which the kernel opens files by itself ({@code fc->no_open}) with
 *       {@code FOPEN_KEEP_CACHE}, and reads name the node, which names the version's blob;
 *   <li>listings ({@code OPENDIR} answers {@code ENOSYS} too: the kernel then caches each
 *       directory's listing in its page cache, {@code FOPEN_CACHE_DIR}) and symlink targets
 *       ({@code FUSE_CACHE_SYMLINKS}).
 * </ul>
 *
 * Only the root (node 1) shows whatever version the mount shows. A switch tells the kernel which
 * of the root's names changed ({@code FUSE_NOTIFY_INVAL_ENTRY}) and drops the root's attributes
 * and listing ({@code FUSE_NOTIFY_INVAL_INODE}): the next lookup of such a name finds the new
 * version's node, while unchanged subtrees keep their nodes and their cached pages, and a file or
 * directory opened before the switch keeps its own node. Thread-safe: any number of request
 * threads call {@link #serve} at once.
 */
final class ImageServer {
  /** How long the kernel may keep names and attributes: nodes never change. */
  static final long FOREVER_SECONDS = 365L * 86_400;
  private static final int W_OK = 2;

  private final SnapshotImage image;
  private final NodeTable nodes = new NodeTable();
  private final OpenContents contents = new OpenContents(64);
  private final RootListings rootListings = new RootListings();
  private final Consumer<String> log;
  private volatile boolean kernelSkipsOpen;
  private volatile boolean kernelSkipsOpendir;

  ImageServer(SnapshotImage image, Consumer<String> log) {
    this.image = image;
    this.log = log;
  }

  SnapshotImage image() {
    return image;
  }

  /** Nodes the kernel holds now, the root aside. */
  int nodesHeld() {
    return nodes.size();
  }

  /** The blobs and trees of the nodes the kernel holds ({@link NodeTable#objectsShown}). */
  Set<ObjectId> objectsShown() {
    return nodes.objectsShown();
  }

  /** Up to {@code count} of the oldest files the kernel holds ({@link NodeTable#oldestFiles}). */
  List<Node> oldestFiles(int count) {
    return nodes.oldestFiles(count);
  }

  /**
   * Serves the request of {@code length} bytes in {@code in} and writes the reply into
   * {@code out} (from position 0).
   *
   * @return the reply's length, or 0 when the request takes none (FORGET, INTERRUPT)
   */
  int serve(ByteBuffer in, int length, ByteBuffer out) {
    int opcode = in.getInt(4);
    long unique = in.getLong(8);
    long nodeId = in.getLong(16);
    try {
      int n = switch (opcode) {
        case INIT -> init(in, out);
        case LOOKUP -> lookup(node(nodeId), FuseWire.cString(in, FuseWire.IN_HEADER, length), out);
        case GETATTR -> attr(node(nodeId), out);
        case READLINK -> readlink(node(nodeId), out);
        case READ -> read(node(nodeId), in.getLong(FuseWire.IN_HEADER + 8), in.getInt(FuseWire.IN_HEADER + 16), out);
        case READDIR -> readdir(node(nodeId), in.getLong(FuseWire.IN_HEADER + 8), in.getInt(FuseWire.IN_HEADER + 16), out);
        case OPEN -> open(false, out);
        case OPENDIR -> open(true, out);
        case GETXATTR -> getxattr(node(nodeId), in.getInt(FuseWire.IN_HEADER),
            FuseWire.cString(in, FuseWire.IN_HEADER + 8, length), out);
        case LISTXATTR -> listxattr(node(nodeId), in.getInt(FuseWire.IN_HEADER), out);
        case STATFS -> statfs(out);
        case ACCESS -> {
          node(nodeId);
          yield (in.getInt(FuseWire.IN_HEADER) & W_OK) != 0 ? -Errno.EROFS : FuseWire.OUT_HEADER;
        }
        case FORGET -> {
          nodes.forget(nodeId, in.getLong(FuseWire.IN_HEADER));
          yield 0;
        }
        case BATCH_FORGET -> {
          int count = in.getInt(FuseWire.IN_HEADER);
          for (int i = 0, at = FuseWire.IN_HEADER + 8; i < count && at + 16 <= length; i++, at += 16) {
            nodes.forget(in.getLong(at), in.getLong(at + 8));
          }
          yield 0;
        }
        case INTERRUPT -> 0; // every request here is short; its reply is the answer
        case RELEASE, RELEASEDIR, FSYNC, FSYNCDIR, DESTROY -> FuseWire.OUT_HEADER;
        case SETATTR, SYMLINK, MKNOD, MKDIR, UNLINK, RMDIR, RENAME, LINK, WRITE, SETXATTR, REMOVEXATTR, CREATE,
            FALLOCATE, RENAME2, COPY_FILE_RANGE, TMPFILE -> -Errno.EROFS;
        default -> -Errno.ENOSYS; // FLUSH, locks, ioctl, poll, lseek, statx: the kernel then does without
      };
      if (n == 0) {
        return 0;
      }
      if (n < 0) {
        FuseWire.header(out, FuseWire.OUT_HEADER, n, unique);
        return FuseWire.OUT_HEADER;
      }
      FuseWire.header(out, n, 0, unique);
      return n;
    } catch (Throwable t) {
      FuseWire.header(out, FuseWire.OUT_HEADER, -Errno.of(t, log), unique);
      return FuseWire.OUT_HEADER;
    }
  }

  /** The node {@code id}; the root shows the current version. */
  private Node node(long id) throws IOException {
    if (id == FuseWire.ROOT_NODE) {
      return NodeTable.root(image.current());
    }
    Node n = nodes.get(id);
    if (n == null) {
      throw new Errno.ErrnoException(Errno.ENOENT, "node " + id + " was forgotten");
    }
    return n;
  }

  private int init(ByteBuffer in, ByteBuffer out) {
    int major = in.getInt(FuseWire.IN_HEADER);
    int minor = in.getInt(FuseWire.IN_HEADER + 4);
    int maxReadahead = in.getInt(FuseWire.IN_HEADER + 8);
    int flags = in.getInt(FuseWire.IN_HEADER + 12);
    if (major < FuseWire.MAJOR || major == FuseWire.MAJOR && minor < 23) {
      log.accept("casfs: this kernel speaks FUSE " + major + "." + minor + "; casfs needs 7.23 or later");
      return -Errno.EPROTO;
    }
    kernelSkipsOpen = (flags & FuseWire.NO_OPEN_SUPPORT) != 0;
    kernelSkipsOpendir = (flags & FuseWire.NO_OPENDIR_SUPPORT) != 0;
    int want = FuseWire.ASYNC_READ | FuseWire.PARALLEL_DIROPS | FuseWire.CACHE_SYMLINKS;
    int at = FuseWire.OUT_HEADER;
    for (int i = 0; i < 64; i += 4) {
      out.putInt(at + i, 0);
    }
    out.putInt(at, FuseWire.MAJOR);
    out.putInt(at + 4, Math.min(minor, FuseWire.MINOR));
    out.putInt(at + 8, maxReadahead);
    out.putInt(at + 12, flags & want);
    out.putShort(at + 16, (short) 16); // max_background
    out.putShort(at + 18, (short) 12); // congestion_threshold
    out.putInt(at + 20, 128 * 1024); // max_write (never used: nothing is written)
    out.putInt(at + 24, 1); // time_gran: nanoseconds
    return at + 64;
  }

  /**
   * OPEN and OPENDIR: "not implemented" where the kernel can do without them (it then never asks
   * again, and keeps pages and listings), else a handle-less open that keeps them.
   */
  private int open(boolean directory, ByteBuffer out) {
    if (directory ? kernelSkipsOpendir : kernelSkipsOpen) {
      return -Errno.ENOSYS;
    }
    int at = FuseWire.OUT_HEADER;
    out.putLong(at, 0);
    out.putInt(at + 8, FuseWire.FOPEN_KEEP_CACHE | (directory ? FuseWire.FOPEN_CACHE_DIR : 0));
    out.putInt(at + 12, 0);
    return at + 16;
  }

  private int lookup(Node parent, byte[] name, ByteBuffer out) throws IOException {
    if (!parent.entry.isDirectory()) {
      throw new NotDirectoryException(SnapshotImage.printable(parent.path));
    }
    Entry e = parent.snapshot.tree(parent.entry).getOrNull(Name.of(name));
    if (e == null) {
      FuseWire.entry(out, FuseWire.OUT_HEADER, 0, null, FOREVER_SECONDS);
    } else {
      byte[] path = Posix.join(parent.path, name);
      Node n = nodes.lookedUp(parent.id, parent.snapshot, path, e);
      FuseWire.entry(out, FuseWire.OUT_HEADER, n.id, n.attr(), FOREVER_SECONDS);
    }
    return FuseWire.OUT_HEADER + FuseWire.ENTRY_OUT;
  }

  private int attr(Node n, ByteBuffer out) throws IOException {
    FuseWire.attrOut(out, FuseWire.OUT_HEADER, n.attr(), FOREVER_SECONDS);
    return FuseWire.OUT_HEADER + FuseWire.ATTR_OUT;
  }

  private int readlink(Node n, ByteBuffer out) throws IOException {
    if (n.entry.type() != EntryType.SYMLINK) {
      return -Errno.EINVAL;
    }
    byte[] target = n.entry.target();
    out.put(FuseWire.OUT_HEADER, target);
    return FuseWire.OUT_HEADER + target.length;
  }

  private int read(Node n, long offset, int size, ByteBuffer out) throws IOException {
    if (n.entry.isDirectory()) {
      return -Errno.EISDIR;
    }
    if (!n.entry.isRegular()) {
      return -Errno.EINVAL;
    }
    long fileSize = n.entry.size();
    if (offset >= fileSize || size <= 0) {
      return FuseWire.OUT_HEADER;
    }
    int want = (int) Math.min(Math.min(size, fileSize - offset), out.capacity() - FuseWire.OUT_HEADER);
    ByteBuffer dst = out.duplicate();
    dst.position(FuseWire.OUT_HEADER).limit(FuseWire.OUT_HEADER + want);
    int got = contents.read(n.entry.childId(), () -> image.openContent(n.snapshot, n.entry, n.path), offset, dst);
    return FuseWire.OUT_HEADER + got;
  }

  /**
   * A listing from {@code offset}: 0 starts with {@code .}, 1 is after it, 2 after {@code ..},
   * {@code i + 3} after the i-th entry, as many as fit in {@code size} bytes. The root's offsets
   * also name the version its listing began in ({@link RootListings}).
   */
  private int readdir(Node dir, long offset, int size, ByteBuffer out) throws IOException {
    long start = offset;
    if (dir.id == FuseWire.ROOT_NODE) {
      dir = NodeTable.root(rootListings.versionAt(offset, dir.snapshot));
      start = RootListings.index(offset);
    }
    if (!dir.entry.isDirectory()) {
      throw new NotDirectoryException(SnapshotImage.printable(dir.path));
    }
    List<Entry> entries = dir.snapshot.tree(dir.entry).entries();
    int limit = Math.min(size, out.capacity() - FuseWire.OUT_HEADER) + FuseWire.OUT_HEADER;
    int at = FuseWire.OUT_HEADER;
    long parentIno = dir.id == FuseWire.ROOT_NODE ? InodeNumbers.ROOT
        : InodeNumbers.ofPath(SnapshotImage.parentOf(dir.path));
    for (long i = Math.max(0, start); i < entries.size() + 2L; i++) {
      byte[] name;
      long ino;
      int mode;
      if (i < 2) {
        name = i == 0 ? new byte[] {'.'} : new byte[] {'.', '.'};
        ino = i == 0 ? dir.ino : parentIno;
        mode = 0040000;
      } else {
        Entry e = entries.get((int) (i - 2));
        name = e.name().bytes();
        ino = e.linkGroup() != 0 ? InodeNumbers.ofLinkGroup(e.linkGroup())
            : InodeNumbers.ofPath(Posix.join(dir.path, name));
        mode = e.stMode();
      }
      if (at + FuseWire.direntSize(name.length) > limit) {
        break;
      }
      long next = dir.id == FuseWire.ROOT_NODE ? rootListings.offset(dir.snapshot, i + 1) : i + 1;
      at += FuseWire.dirent(out, at, ino, next, mode, name);
    }
    return at;
  }

  private int getxattr(Node n, int size, byte[] rawName, ByteBuffer out) throws IOException {
    String name = new String(rawName, StandardCharsets.ISO_8859_1);
    byte[] value = n.entry.meta().xattrs().getOrNull(name);
    if (value == null) {
      // "not supported" for a feature the version never uses: ls then stops asking (XattrFeatures)
      return image.xattrFeatureUnused(n.snapshot, name) ? -Errno.EOPNOTSUPP : -Errno.ENODATA;
    }
    return sized(value, size, out);
  }

  private int listxattr(Node n, int size, ByteBuffer out) {
    Xattrs x = n.entry.meta().xattrs();
    int length = 0;
    for (String name : x.names()) {
      length += name.length() + 1; // ISO-8859-1: one byte a char, and the NUL
    }
    byte[] all = new byte[length];
    int at = 0;
    for (String name : x.names()) {
      byte[] b = name.getBytes(StandardCharsets.ISO_8859_1);
      System.arraycopy(b, 0, all, at, b.length);
      at += b.length + 1;
    }
    return sized(all, size, out);
  }

  /** The xattr size protocol: size 0 asks for the length, a smaller buffer is {@code ERANGE}. */
  private static int sized(byte[] value, int size, ByteBuffer out) {
    if (size == 0) {
      out.putInt(FuseWire.OUT_HEADER, value.length);
      out.putInt(FuseWire.OUT_HEADER + 4, 0);
      return FuseWire.OUT_HEADER + 8;
    }
    if (size < value.length) {
      return -Errno.ERANGE;
    }
    out.put(FuseWire.OUT_HEADER, value);
    return FuseWire.OUT_HEADER + value.length;
  }

  private int statfs(ByteBuffer out) throws IOException {
    FsStats s = image.statfs();
    int at = FuseWire.OUT_HEADER;
    out.putLong(at, s.blocks());
    out.putLong(at + 8, s.blocksFree());
    out.putLong(at + 16, s.blocksAvailable());
    out.putLong(at + 24, s.files());
    out.putLong(at + 32, s.filesFree());
    out.putInt(at + 40, (int) s.blockSize());
    out.putInt(at + 44, s.nameMax());
    out.putInt(at + 48, (int) s.blockSize());
    for (int i = 52; i < 80; i += 4) {
      out.putInt(at + i, 0);
    }
    return at + 80;
  }

  /**
   * The names of the root whose entry differs between {@code before} and {@code after} (added,
   * removed or changed): what a switch must make the kernel look up again.
   */
  static List<byte[]> changedRootNames(Snapshot before, Snapshot after) throws IOException {
    Tree a = before.tree(before.root());
    Tree b = after.tree(after.root());
    List<byte[]> out = new java.util.ArrayList<>();
    for (Entry e : a.entries()) {
      if (!e.equals(b.getOrNull(e.name()))) {
        out.add(e.name().bytes());
      }
    }
    for (Entry e : b.entries()) {
      if (a.getOrNull(e.name()) == null) {
        out.add(e.name().bytes());
      }
    }
    return out;
  }

  /** Releases what reads held open; called once no request runs any more. */
  void close() {
    contents.closeAll();
  }
}
