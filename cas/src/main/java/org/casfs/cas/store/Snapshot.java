package org.casfs.cas.store;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.ArrayList;
import java.util.List;
import org.casfs.cas.Entry;
import org.casfs.cas.Manifest;
import org.casfs.cas.Name;
import org.casfs.cas.ObjectId;
import org.casfs.cas.Tree;
import org.casfs.cas.Utf8b;

/**
 * A manifest opened for reading: path lookups over its immutable trees. Never sees a later
 * version; switching versions means opening another snapshot. Thread-safe.
 *
 * <p>Paths are byte strings split at {@code /}; empty components and {@code .} are skipped.
 * {@link #lookup} follows no symlink and refuses {@code ..}; {@link #resolve} follows symlinks
 * and {@code ..} as the kernel would in a chroot of the version (for paths a user types).
 */
public final class Snapshot {
  private final ObjectDatabase db;
  private final ObjectId id;
  private final Manifest manifest;
  private final Entry root;

  private Snapshot(ObjectDatabase db, ObjectId id, Manifest manifest) {
    this.db = db;
    this.id = id;
    this.manifest = manifest;
    this.root = Entry.directory(Name.of("root"), manifest.rootMeta(), manifest.root());
  }

  /** Opens a version; its manifest and root tree must be readable. */
  public static Snapshot open(ObjectDatabase db, ObjectId manifestId) throws IOException {
    Manifest m = db.readManifest(manifestId);
    db.readTree(m.rootId());
    return new Snapshot(db, manifestId, m);
  }

  public ObjectId id() {
    return id;
  }

  public Manifest manifest() {
    return manifest;
  }

  public ObjectDatabase objects() {
    return db;
  }

  /** The root directory as an entry (its name is a placeholder). */
  public Entry root() {
    return root;
  }

  /** Splits a path into names; {@code ..} or an invalid name is an {@link IllegalArgumentException}. */
  public static List<Name> split(byte[] path) {
    List<Name> names = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= path.length; i++) {
      if (i == path.length || path[i] == '/') {
        int len = i - start;
        boolean dot = len == 1 && path[start] == '.';
        if (len > 0 && !dot) {
          byte[] part = java.util.Arrays.copyOfRange(path, start, i);
          names.add(Name.of(part));
        }
        start = i + 1;
      }
    }
    return names;
  }

  public static List<Name> split(String path) {
    return split(Utf8b.encode(path));
  }

  /** The entry at {@code path}, or null if nothing is there. */
  public Entry lookupOrNull(List<Name> path) throws IOException {
    Entry e = root;
    for (Name n : path) {
      if (!e.isDirectory()) {
        return null;
      }
      e = db.readTree(e.childId()).getOrNull(n);
      if (e == null) {
        return null;
      }
    }
    return e;
  }

  public Entry lookupOrNull(String path) throws IOException {
    return lookupOrNull(split(path));
  }

  /** The entry at {@code path}; absence is {@link NoSuchFileException}, a file in the way {@link NotDirectoryException}. */
  public Entry lookup(List<Name> path) throws IOException {
    Entry e = root;
    StringBuilder walked = new StringBuilder();
    for (Name n : path) {
      if (!e.isDirectory()) {
        throw new NotDirectoryException(walked.length() == 0 ? "/" : walked.toString());
      }
      walked.append('/').append(n.printable());
      e = db.readTree(e.childId()).getOrNull(n);
      if (e == null) {
        throw new NoSuchFileException(walked.toString(), null, "no such path in version " + id);
      }
    }
    return e;
  }

  public Entry lookup(String path) throws IOException {
    return lookup(split(path));
  }

  /**
   * The entry at {@code path}, following symlinks on the way (the last one if {@code followLast}
   * or the path ends in {@code /}) with the version as root; see {@link PathResolver}.
   */
  public Entry resolve(String path, boolean followLast) throws IOException {
    return PathResolver.resolve(this, Utf8b.encode(path), followLast);
  }

  /** The tree of a directory entry. */
  public Tree tree(Entry directory) throws IOException {
    if (!directory.isDirectory()) {
      throw new NotDirectoryException(directory.name().printable());
    }
    return db.readTree(directory.childId());
  }
}
