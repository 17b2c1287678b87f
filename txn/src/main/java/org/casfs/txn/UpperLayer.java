package org.casfs.txn;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.casfs.cas.Entry;
import org.casfs.cas.EntryType;
import org.casfs.cas.Hashes;
import org.casfs.cas.InodeNumbers;
import org.casfs.cas.Metadata;
import org.casfs.cas.Name;
import org.casfs.cas.Tree;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.cas.store.Snapshot;

/**
 * The in-memory inode tree of a transaction and the deterministic application of {@link Op}s to
 * it: the same ops on the same base always give the same tree, which is what makes journal
 * replay exact. Every op validates completely before it changes anything, so a refused op leaves
 * the tree as it was; between the two it calls its {@link Journal}, so an op whose journal record
 * could not be written (a full disk) leaves the tree as it was too. Not thread-safe; the
 * transaction serializes access.
 */
final class UpperLayer {
  private final ObjectDatabase objects;
  Node root;
  /**
   * Numbers that a node still holds while its path says otherwise: a renamed node (and what it
   * holds) keeps the number of its old path, an unlinked node that is open or linked elsewhere
   * keeps its own. A node that would be numbered one of these by its path gets the next free
   * one ({@link InodeNumbers#next}) instead, so no two live nodes share a number.
   */
  private final Set<Long> displaced = new HashSet<>();
  int nextData = 0;
  /** Base hardlink groups to their one shared node, so every name of a group is one inode. */
  final Map<Long, Node> groupNodes = new HashMap<>();
  /** Base hardlink groups whose inode changed: commit must rewrite every tree holding them. */
  final Set<Long> touchedGroups = new HashSet<>();
  volatile String importSource;
  /** The tree whose link group numbers live on in unmaterialized subtrees: the base or a graft. */
  Hashes groupSource;

  UpperLayer(ObjectDatabase objects, Hashes baseRoot, Metadata rootMeta) {
    this.objects = objects;
    this.root = newRoot(rootMeta);
    this.groupSource = baseRoot;
    if (baseRoot != null) {
      root.baseTree = baseRoot;
    } else {
      root.children = new TreeMap<>();
    }
  }

  /**
   * A node for {@code name} in {@code parent}, numbered as a read-only mount of the version
   * numbers that path ({@link InodeNumbers}): so a file shows the same inode number in both, across
   * a remount, and across a commit unless it moved since the last one. A base hardlink group's
   * number is its group's ({@code linkGroup}, else 0).
   */
  private Node newNode(Node parent, Name name, long linkGroup, EntryType type, Metadata meta) {
    long state = InodeNumbers.childState(parent.pathState, parent == root, name);
    long ino = linkGroup != 0 ? InodeNumbers.ofLinkGroup(linkGroup) : InodeNumbers.ofState(state);
    while (displaced.contains(ino)) {
      ino = InodeNumbers.next(ino);
    }
    return new Node(ino, state, type, meta);
  }

  private static Node newRoot(Metadata meta) {
    return new Node(InodeNumbers.ROOT, InodeNumbers.ROOT_STATE, EntryType.DIRECTORY, meta);
  }

  /**
   * {@code n} now sits at {@code name} in {@code parent}: it and every node it holds keep their
   * numbers, which their new paths no longer give, and their children yet to be reached are
   * numbered by the new paths.
   */
  private void moved(Node n, Node parent, Name name) {
    n.pathState = InodeNumbers.childState(parent.pathState, parent == root, name);
    if (n.baseGroup == 0) {
      displaced.add(n.ino); // a base link group's number is its group's, whatever its path
    }
    if (n.children != null) {
      for (Map.Entry<Name, Node> e : n.children.entrySet()) {
        moved(e.getValue(), n, e.getKey());
      }
    }
  }

  /** {@code n} lost a name: if it lives on (open, or linked elsewhere), its number stays taken. */
  private void unlinked(Node n) {
    if (n.nlink > 0 || n.opens > 0) {
      displaced.add(n.ino);
    }
  }

  // ---- lookups ----

  static List<Name> split(String path) throws FsException {
    try {
      return Snapshot.split(path);
    } catch (IllegalArgumentException e) {
      Errno errno = e.getMessage() != null && e.getMessage().contains("longer") ? Errno.ENAMETOOLONG : Errno.EINVAL;
      throw new FsException(errno, path, e.getMessage());
    }
  }

  TreeMap<Name, Node> children(Node dir) throws IOException {
    if (dir.children == null) {
      Tree tree = objects.readTree(dir.baseTree.id());
      TreeMap<Name, Node> map = new TreeMap<>();
      for (Entry e : tree.entries()) {
        map.put(e.name(), nodeFromEntry(dir, e));
      }
      dir.children = map;
    }
    return dir.children;
  }

  private Node nodeFromEntry(Node dir, Entry e) {
    if (e.linkGroup() != 0) {
      Node shared = groupNodes.get(e.linkGroup());
      if (shared != null) {
        return shared;
      }
    }
    Node n = newNode(dir, e.name(), e.linkGroup(), e.type(), e.meta());
    n.rdev = e.rdev();
    n.target = e.target();
    n.size = e.size();
    n.nlink = e.nlink();
    if (e.isRegular()) {
      n.blob = e.child();
    } else if (e.isDirectory()) {
      n.baseTree = e.child();
    }
    if (e.linkGroup() != 0) {
      n.baseGroup = e.linkGroup();
      groupNodes.put(e.linkGroup(), n);
    }
    return n;
  }

  Node lookupOrNull(List<Name> names) throws IOException {
    Node n = root;
    for (Name name : names) {
      if (!n.isDir()) {
        return null;
      }
      n = children(n).get(name);
      if (n == null) {
        return null;
      }
    }
    return n;
  }

  /** The node at {@code path}; ENOENT or ENOTDIR as the JDK's exceptions. */
  Node lookup(String path) throws IOException {
    List<Name> names = split(path);
    Node n = root;
    StringBuilder walked = new StringBuilder();
    for (Name name : names) {
      if (!n.isDir()) {
        throw new NotDirectoryException(walked.length() == 0 ? "/" : walked.toString());
      }
      walked.append('/').append(name.printable());
      n = children(n).get(name);
      if (n == null) {
        throw new NoSuchFileException(walked.toString());
      }
    }
    return n;
  }

  /**
   * A path naming {@code target}, searched among the materialized directories only (a node
   * reached by a lookup always sits in one), or null. Costs a walk of those directories; for the
   * rare caller that knows an inode but not its name.
   */
  String pathOrNull(Node target) {
    StringBuilder path = new StringBuilder();
    return find(root, target, path) ? (path.length() == 0 ? "/" : path.toString()) : null;
  }

  private static boolean find(Node dir, Node target, StringBuilder path) {
    if (dir == target) {
      return true;
    }
    if (dir.children == null) {
      return false;
    }
    for (Map.Entry<Name, Node> e : dir.children.entrySet()) {
      int mark = path.length();
      path.append('/').append(org.casfs.cas.Utf8b.decode(e.getKey().bytes()));
      if (e.getValue() == target || e.getValue().isDir() && find(e.getValue(), target, path)) {
        return true;
      }
      path.setLength(mark);
    }
    return false;
  }

  /**
   * How many subdirectories {@code dir} holds, without materializing it (a listing stats every
   * child directory, and materializing each would copy every tree it touches into the layer).
   * Counted once, then kept by {@link #putChild} and {@link #removeChild}: the kernel asks for a
   * directory's attributes at every file created in it, and counting each time made filling a
   * directory quadratic (200,000 files: 4 minutes, four fifths of it counting).
   */
  int subdirectories(Node dir) throws IOException {
    if (dir.subdirectories < 0) {
      int n = 0;
      if (dir.children != null) {
        for (Node c : dir.children.values()) {
          n += c.isDir() ? 1 : 0;
        }
      } else {
        n = objects.readTree(dir.baseTree.id()).subdirectories();
      }
      dir.subdirectories = n;
    }
    return dir.subdirectories;
  }

  /** Names {@code child} {@code name} in {@code dir}, in place of what had that name. */
  private void putChild(Node dir, Name name, Node child) throws IOException {
    Node replaced = children(dir).put(name, child);
    if (dir.subdirectories >= 0) {
      dir.subdirectories += (child.isDir() ? 1 : 0) - (replaced != null && replaced.isDir() ? 1 : 0);
    }
  }

  private void removeChild(Node dir, Name name) throws IOException {
    Node removed = children(dir).remove(name);
    if (dir.subdirectories >= 0 && removed != null && removed.isDir()) {
      dir.subdirectories--;
    }
  }

  /** The directory that holds (or will hold) the last component of {@code path}. */
  Node parentOf(String path, List<Name> names) throws IOException {
    if (names.isEmpty()) {
      throw new FsException(Errno.EBUSY, path, "the root directory cannot be created, removed or renamed");
    }
    Node p = root;
    StringBuilder walked = new StringBuilder();
    for (Name name : names.subList(0, names.size() - 1)) {
      if (!p.isDir()) {
        throw new NotDirectoryException(walked.length() == 0 ? "/" : walked.toString());
      }
      walked.append('/').append(name.printable());
      p = children(p).get(name);
      if (p == null) {
        throw new NoSuchFileException(walked.toString());
      }
    }
    if (!p.isDir()) {
      throw new NotDirectoryException(walked.toString());
    }
    return p;
  }

  private static Name last(List<Name> names) {
    return names.get(names.size() - 1);
  }

  private void touchDir(Node dir, long time) {
    dir.meta = dir.meta.withMtime(time);
    changed(dir, time);
  }

  /** {@code n} changed at {@code time} (0: a record journaled before ops carried their time). */
  private static void changed(Node n, long time) {
    if (time != 0) {
      n.ctime = time;
    }
  }

  private void touchInode(Node n) {
    if (n.baseGroup != 0) {
      touchedGroups.add(n.baseGroup);
    }
  }

  // ---- applying ops ----

  /** Called by {@link #apply} once an op is known to be valid and before it changes anything. */
  interface Journal {
    void record() throws IOException;
  }

  /** Applies {@code op} as journal replay does: its record is already written. */
  void apply(Op op) throws IOException {
    apply(op, () -> { });
  }

  void apply(Op op, Journal journal) throws IOException {
    switch (op.kind()) {
      case CREATE, MKDIR, MKNOD, SYMLINK -> create(op, journal);
      case LINK -> link(op, journal);
      case UNLINK, RMDIR -> remove(op, journal);
      case RENAME -> rename(op, journal);
      case CHMOD, CHOWN, UTIMENS, SETXATTR, REMOVEXATTR -> setMeta(op, journal);
      case WRITE, TRUNCATE -> content(op, journal);
      case GRAFT -> graft(op, journal);
      case IMPORT_STARTED -> {
        journal.record();
        importSource = op.text();
      }
      default -> throw new IllegalStateException("unknown op " + op.kind());
    }
    if (op.data() >= nextData) {
      nextData = op.data() + 1;
    }
  }

  private void create(Op op, Journal journal) throws IOException {
    List<Name> names = split(op.path());
    Node parent = parentOf(op.path(), names);
    if (children(parent).containsKey(last(names))) {
      throw new FileAlreadyExistsException(op.path());
    }
    Metadata meta = op.meta().withMtime(op.time());
    Node n;
    switch (op.kind()) {
      case CREATE -> {
        n = newNode(parent, last(names), 0, EntryType.REGULAR, meta);
        n.data = op.data();
      }
      case MKDIR -> {
        n = newNode(parent, last(names), 0, EntryType.DIRECTORY, meta);
        n.children = new TreeMap<>();
      }
      case MKNOD -> {
        EntryType type = EntryType.fromCodeOrNull((int) op.n2());
        if (type == null || type == EntryType.DIRECTORY || type == EntryType.SYMLINK) {
          throw new FsException(Errno.EINVAL, op.path(), "mknod makes regular files, devices, fifos and sockets");
        }
        n = newNode(parent, last(names), 0, type, meta);
        n.rdev = type.isDevice() ? op.n1() : 0;
        if (type == EntryType.REGULAR) {
          n.data = op.data();
        }
      }
      case SYMLINK -> {
        byte[] target = op.bytes();
        if (target.length == 0 || target.length > Entry.MAX_TARGET) {
          throw new FsException(Errno.ENAMETOOLONG, op.path(), "symlink target must be 1 to 4095 bytes");
        }
        n = newNode(parent, last(names), 0, EntryType.SYMLINK, meta);
        n.target = target.clone();
        n.size = target.length;
      }
      default -> throw new IllegalStateException();
    }
    journal.record();
    changed(n, op.time());
    putChild(parent, last(names), n);
    touchDir(parent, op.time());
  }

  private void link(Op op, Journal journal) throws IOException {
    Node n = lookup(op.path());
    if (n.isDir()) {
      throw new FsException(Errno.EPERM, op.path(), "hard links to directories are not allowed");
    }
    List<Name> names = split(op.path2());
    Node parent = parentOf(op.path2(), names);
    if (children(parent).containsKey(last(names))) {
      throw new FileAlreadyExistsException(op.path2());
    }
    journal.record();
    touchInode(n);
    n.nlink++;
    changed(n, op.time());
    putChild(parent, last(names), n);
    touchDir(parent, op.time());
  }

  private void remove(Op op, Journal journal) throws IOException {
    List<Name> names = split(op.path());
    Node parent = parentOf(op.path(), names);
    Node n = children(parent).get(last(names));
    if (n == null) {
      throw new NoSuchFileException(op.path());
    }
    if (op.kind() == Op.Kind.UNLINK) {
      if (n.isDir()) {
        throw new FsException(Errno.EISDIR, op.path(), "is a directory: use rmdir");
      }
    } else {
      if (!n.isDir()) {
        throw new NotDirectoryException(op.path());
      }
      if (!children(n).isEmpty()) {
        throw new DirectoryNotEmptyException(op.path());
      }
    }
    journal.record();
    if (op.kind() == Op.Kind.UNLINK) {
      touchInode(n);
      n.nlink--;
      changed(n, op.time());
      unlinked(n);
    }
    removeChild(parent, last(names));
    touchDir(parent, op.time());
  }

  private void rename(Op op, Journal journal) throws IOException {
    List<Name> from = split(op.path());
    List<Name> to = split(op.path2());
    Node fromParent = parentOf(op.path(), from);
    Node n = children(fromParent).get(last(from));
    if (n == null) {
      throw new NoSuchFileException(op.path());
    }
    Node toParent = parentOf(op.path2(), to);
    if (n.isDir() && to.size() > from.size() && to.subList(0, from.size()).equals(from)) {
      throw new FsException(Errno.EINVAL, op.path2(), "cannot move directory " + op.path() + " into itself");
    }
    Node existing = children(toParent).get(last(to));
    if (existing == n) {
      journal.record();
      return; // POSIX: both names are the same inode, nothing happens
    }
    if (existing != null) {
      if (n.isDir() && !existing.isDir()) {
        throw new NotDirectoryException(op.path2());
      }
      if (!n.isDir() && existing.isDir()) {
        throw new FsException(Errno.EISDIR, op.path2(), "cannot replace a directory with a non-directory");
      }
      if (existing.isDir() && !children(existing).isEmpty()) {
        throw new DirectoryNotEmptyException(op.path2());
      }
    }
    journal.record();
    if (existing != null && !existing.isDir()) {
      touchInode(existing);
      existing.nlink--;
      changed(existing, op.time());
      unlinked(existing);
    }
    removeChild(fromParent, last(from));
    putChild(toParent, last(to), n);
    moved(n, toParent, last(to));
    changed(n, op.time());
    touchDir(fromParent, op.time());
    touchDir(toParent, op.time());
  }

  private void setMeta(Op op, Journal journal) throws IOException {
    Node n = lookup(op.path());
    Metadata m = n.meta;
    switch (op.kind()) {
      case CHMOD -> m = chmod(m, (int) op.n1() & Metadata.PERMISSION_MASK);
      case CHOWN -> m = m.withOwner(op.n1() < 0 ? m.uid() : op.n1(), op.n2() < 0 ? m.gid() : op.n2());
      case UTIMENS -> m = m.withMtime(op.n1());
      case SETXATTR -> m = op.text().equals(PosixAcl.ACCESS) ? setAccessAcl(m, op) : setXattr(m, op.path(),
          op.text(), op.bytes());
      case REMOVEXATTR -> {
        if (m.xattrs().getOrNull(op.text()) == null) {
          throw new FsException(Errno.ENODATA, op.path(), "no extended attribute " + op.text());
        }
        m = m.withXattrs(m.xattrs().without(op.text()));
      }
      default -> throw new IllegalStateException();
    }
    journal.record();
    touchInode(n);
    n.meta = m;
    changed(n, op.time());
  }

  private static Metadata setXattr(Metadata m, String path, String name, byte[] value) throws FsException {
    try {
      return m.withXattrs(m.xattrs().with(name, value));
    } catch (IllegalArgumentException e) {
      throw new FsException(Errno.ERANGE, path, e.getMessage());
    }
  }

  /** An access ACL sets the mode, and is kept only if it says more than the mode ({@link PosixAcl}). */
  private static Metadata setAccessAcl(Metadata m, Op op) throws FsException {
    int mode;
    try {
      mode = PosixAcl.modeAfterSetting(op.bytes(), m.mode());
    } catch (IllegalArgumentException e) {
      throw new FsException(Errno.EINVAL, op.path(), e.getMessage());
    }
    if (PosixAcl.equivalentToMode(op.bytes())) {
      return m.withMode(mode).withXattrs(m.xattrs().without(PosixAcl.ACCESS));
    }
    return setXattr(m.withMode(mode), op.path(), PosixAcl.ACCESS, op.bytes());
  }

  /** A chmod also rewrites the base entries of a kept access ACL, which would otherwise contradict it. */
  private static Metadata chmod(Metadata m, int mode) {
    byte[] acl = m.xattrs().getOrNull(PosixAcl.ACCESS);
    if (acl != null) {
      try {
        return m.withMode(mode).withXattrs(m.xattrs().with(PosixAcl.ACCESS, PosixAcl.afterChmod(acl, mode)));
      } catch (IllegalArgumentException e) {
        // An imported attribute that is no valid ACL is kept as it came.
      }
    }
    return m.withMode(mode);
  }

  /** Checks that a WRITE or TRUNCATE may act on this node. */
  static void requireRegular(Node n, String path) throws FsException {
    if (n.isDir()) {
      throw new FsException(Errno.EISDIR, path, "is a directory");
    }
    if (n.type != EntryType.REGULAR) {
      throw new FsException(Errno.EINVAL, path, "not a regular file");
    }
  }

  private void content(Op op, Journal journal) throws IOException {
    Node n = lookup(op.path());
    requireRegular(n, op.path());
    journal.record();
    touchInode(n);
    if (n.data < 0) {
      n.data = op.data();
      n.blob = null;
    }
    n.size = op.kind() == Op.Kind.WRITE ? Math.max(n.size, op.n1() + op.n2()) : op.n1();
    n.meta = n.meta.withMtime(op.time());
    changed(n, op.time());
  }

  private void graft(Op op, Journal journal) throws IOException {
    if (!split(op.path()).isEmpty()) {
      throw new FsException(Errno.EINVAL, op.path(), "a tree can only be grafted at the root");
    }
    journal.record();
    groupNodes.clear();
    touchedGroups.clear();
    root = newRoot(op.meta());
    root.baseTree = op.hashes();
    groupSource = op.hashes();
  }
}
