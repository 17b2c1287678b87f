package org.casfs.fs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.casfs.cas.Entry;
import org.casfs.cas.EntryType;
import org.casfs.cas.Hashes;
import org.casfs.cas.Manifest;
import org.casfs.cas.Metadata;
import org.casfs.cas.Name;
import org.casfs.cas.ObjectId;
import org.casfs.cas.Tree;
import org.casfs.cas.Xattrs;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.cas.store.ObjectInfo;

/**
 * Test fixtures: imports a real directory (files, dirs, symlinks, devices, fifos, hardlinks,
 * owners, modes, ns mtimes, user.* xattrs) into an ObjectDatabase and writes a manifest. A
 * deliberately plain walker for tests of the mount; the product's importer lives in cas.
 */
final class TestImages {
  private final ObjectDatabase db;
  private final Map<String, Long> groups = new HashMap<>();
  private final Map<String, Integer> groupCounts = new HashMap<>();
  private long nextGroup = 1;

  private TestImages(ObjectDatabase db) {
    this.db = db;
  }

  /** Imports {@code dir} and returns the manifest id. */
  static ObjectId importDir(ObjectDatabase db, Path dir, String label, ObjectId parent) throws IOException {
    TestImages t = new TestImages(db);
    Hashes root = t.tree(dir);
    Manifest m = new Manifest(root, t.meta(dir), "stable", parent == null ? 1 : 2, label, parent,
        System.currentTimeMillis());
    return db.writeManifest(m).id();
  }

  private Hashes tree(Path dir) throws IOException {
    List<Entry> entries = new ArrayList<>();
    List<Path> children;
    try (Stream<Path> s = Files.list(dir)) {
      children = s.toList();
    }
    for (Path c : children) {
      entries.add(entry(c));
    }
    return db.writeTree(Tree.of(entries));
  }

  private Entry entry(Path p) throws IOException {
    Name name = Name.of(p.getFileName().toString());
    Map<String, Object> a = Files.readAttributes(p, "unix:mode,nlink,ino,dev,rdev,size", LinkOption.NOFOLLOW_LINKS);
    int mode = (Integer) a.get("mode");
    Metadata meta = meta(p);
    EntryType type = EntryType.fromModeOrNull(mode);
    switch (type) {
      case DIRECTORY:
        return Entry.directory(name, meta, tree(p));
      case SYMLINK:
        return Entry.symlink(name, meta, Files.readSymbolicLink(p).toString().getBytes());
      case REGULAR: {
        long size = (Long) a.get("size");
        ObjectInfo info;
        try (InputStream in = Files.newInputStream(p)) {
          info = db.store().insertBlob(in, size, null);
        }
        Entry e = Entry.file(name, meta, size, info.hashes());
        int nlink = (Integer) a.get("nlink");
        if (nlink > 1) {
          String key = a.get("dev") + ":" + a.get("ino");
          long g = groups.computeIfAbsent(key, k -> nextGroup++);
          e = e.withLink(g, nlink);
        }
        return e;
      }
      default:
        return Entry.special(name, type, meta, type.isDevice() ? (Long) a.get("rdev") : 0);
    }
  }

  private Metadata meta(Path p) throws IOException {
    Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
    FileTime mt = (FileTime) a.get("lastModifiedTime");
    long nanos = mt.to(java.util.concurrent.TimeUnit.NANOSECONDS);
    int mode = (Integer) a.get("mode") & 07777;
    Xattrs x = Xattrs.EMPTY;
    if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) || Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      try {
        UserDefinedFileAttributeView v = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
        TreeMap<String, byte[]> m = new TreeMap<>();
        for (String n : v.list()) {
          ByteBuffer b = ByteBuffer.allocate(v.size(n));
          v.read(n, b);
          m.put("user." + n, b.array());
        }
        x = Xattrs.of(m);
      } catch (UnsupportedOperationException | IOException ignored) {
        // a filesystem without user xattrs
      }
    }
    return new Metadata(mode, (Integer) a.get("uid"), (Integer) a.get("gid"), nanos, x);
  }
}
