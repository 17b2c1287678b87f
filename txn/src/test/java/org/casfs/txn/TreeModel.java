package org.casfs.txn;

import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.casfs.cas.EntryType;

/**
 * The simplest possible file tree, as the reference for the transaction property test: paths to
 * inodes (hardlinks are the same inode object under two paths). Each operation returns the
 * POSIX error it must fail with, or null and applies itself.
 */
final class TreeModel {
  enum Err { ENOENT, ENOTDIR, EEXIST, EISDIR, EINVAL, ENOTEMPTY, EPERM }

  static final class Inode {
    EntryType type;
    byte[] content = new byte[0];
    byte[] target;
    int mode;

    Inode(EntryType type, int mode) {
      this.type = type;
      this.mode = mode;
    }
  }

  final TreeMap<String, Inode> paths = new TreeMap<>();

  TreeModel copy() {
    TreeModel m = new TreeModel();
    Map<Inode, Inode> copies = new IdentityHashMap<>();
    paths.forEach((p, n) -> m.paths.put(p, copies.computeIfAbsent(n, x -> {
      Inode c = new Inode(x.type, x.mode);
      c.content = x.content.clone();
      c.target = x.target == null ? null : x.target.clone();
      return c;
    })));
    return m;
  }

  static Err errOf(Throwable e) {
    if (e instanceof NoSuchFileException) {
      return Err.ENOENT;
    }
    if (e instanceof NotDirectoryException) {
      return Err.ENOTDIR;
    }
    if (e instanceof FileAlreadyExistsException) {
      return Err.EEXIST;
    }
    if (e instanceof DirectoryNotEmptyException) {
      return Err.ENOTEMPTY;
    }
    if (e instanceof FsException f) {
      return Err.valueOf(f.errno().name());
    }
    throw new AssertionError("unexpected exception", e);
  }

  static List<String> components(String path) {
    List<String> out = new ArrayList<>();
    for (String s : path.split("/")) {
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }

  private static String join(List<String> parts, int n) {
    return "/" + String.join("/", parts.subList(0, n));
  }

  private boolean isDir(String path) {
    return path.equals("/") || paths.get(path) != null && paths.get(path).type == EntryType.DIRECTORY;
  }

  /** The error walking to {@code path} itself. */
  Err lookupErr(String path) {
    return walkErr(components(path), components(path).size());
  }

  /** The error walking to the parent of {@code path}, including "parent not a directory". */
  Err parentErr(String path) {
    List<String> c = components(path);
    Err e = walkErr(c, c.size() - 1);
    if (e != null) {
      return e;
    }
    return isDir(join(c, c.size() - 1)) ? null : Err.ENOTDIR;
  }

  private Err walkErr(List<String> c, int n) {
    for (int i = 1; i <= n; i++) {
      if (!isDir(join(c, i - 1))) {
        return Err.ENOTDIR;
      }
      if (!paths.containsKey(join(c, i))) {
        return Err.ENOENT;
      }
    }
    return null;
  }

  private boolean hasChildren(String dir) {
    String prefix = dir + "/";
    String next = paths.ceilingKey(prefix);
    return next != null && next.startsWith(prefix);
  }

  Err create(String path, EntryType type, int mode, byte[] target) {
    Err e = parentErr(path);
    if (e != null) {
      return e;
    }
    if (paths.containsKey(path)) {
      return Err.EEXIST;
    }
    Inode n = new Inode(type, mode);
    n.target = target;
    paths.put(path, n);
    return null;
  }

  Err write(String path, long offset, byte[] bytes) {
    Err e = regularErr(path);
    if (e != null) {
      return e;
    }
    Inode n = paths.get(path);
    int end = (int) offset + bytes.length;
    if (end > n.content.length) {
      n.content = Arrays.copyOf(n.content, end);
    }
    System.arraycopy(bytes, 0, n.content, (int) offset, bytes.length);
    return null;
  }

  Err truncate(String path, int size) {
    Err e = regularErr(path);
    if (e != null) {
      return e;
    }
    Inode n = paths.get(path);
    n.content = Arrays.copyOf(n.content, size);
    return null;
  }

  private Err regularErr(String path) {
    Err e = lookupErr(path);
    if (e != null) {
      return e;
    }
    Inode n = paths.get(path);
    return n.type == EntryType.DIRECTORY ? Err.EISDIR : n.type != EntryType.REGULAR ? Err.EINVAL : null;
  }

  Err unlink(String path) {
    Err e = parentErr(path);
    if (e != null) {
      return e;
    }
    Inode n = paths.get(path);
    if (n == null) {
      return Err.ENOENT;
    }
    if (n.type == EntryType.DIRECTORY) {
      return Err.EISDIR;
    }
    paths.remove(path);
    return null;
  }

  Err rmdir(String path) {
    Err e = parentErr(path);
    if (e != null) {
      return e;
    }
    Inode n = paths.get(path);
    if (n == null) {
      return Err.ENOENT;
    }
    if (n.type != EntryType.DIRECTORY) {
      return Err.ENOTDIR;
    }
    if (hasChildren(path)) {
      return Err.ENOTEMPTY;
    }
    paths.remove(path);
    return null;
  }

  Err link(String from, String to) {
    Err e = lookupErr(from);
    if (e != null) {
      return e;
    }
    Inode n = paths.get(from);
    if (n.type == EntryType.DIRECTORY) {
      return Err.EPERM;
    }
    e = parentErr(to);
    if (e != null) {
      return e;
    }
    if (paths.containsKey(to)) {
      return Err.EEXIST;
    }
    paths.put(to, n);
    return null;
  }

  Err rename(String from, String to) {
    Err e = parentErr(from);
    if (e != null) {
      return e;
    }
    Inode n = paths.get(from);
    if (n == null) {
      return Err.ENOENT;
    }
    e = parentErr(to);
    if (e != null) {
      return e;
    }
    boolean dir = n.type == EntryType.DIRECTORY;
    if (dir && to.startsWith(from + "/")) {
      return Err.EINVAL;
    }
    Inode existing = paths.get(to);
    if (existing == n) {
      return null;
    }
    if (existing != null) {
      boolean existingDir = existing.type == EntryType.DIRECTORY;
      if (dir && !existingDir) {
        return Err.ENOTDIR;
      }
      if (!dir && existingDir) {
        return Err.EISDIR;
      }
      if (existingDir && hasChildren(to)) {
        return Err.ENOTEMPTY;
      }
      paths.remove(to);
    }
    TreeMap<String, Inode> moved = new TreeMap<>();
    for (Map.Entry<String, Inode> x : new ArrayList<>(paths.entrySet())) {
      String p = x.getKey();
      if (p.equals(from) || p.startsWith(from + "/")) {
        moved.put(to + p.substring(from.length()), x.getValue());
        paths.remove(p);
      }
    }
    paths.putAll(moved);
    return null;
  }

  Err chmod(String path, int mode) {
    Err e = lookupErr(path);
    if (e != null) {
      return e;
    }
    paths.get(path).mode = mode;
    return null;
  }
}
