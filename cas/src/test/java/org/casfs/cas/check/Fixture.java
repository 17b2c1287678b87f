package org.casfs.cas.check;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.casfs.cas.Entry;
import org.casfs.cas.Hashes;
import org.casfs.cas.Manifest;
import org.casfs.cas.Metadata;
import org.casfs.cas.Name;
import org.casfs.cas.ObjectId;
import org.casfs.cas.ObjectType;
import org.casfs.cas.Tree;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.cas.store.ObjectStore;

/** Builds small versions directly in a store: {@code f.version(f.dir("usr", f.file("ls", "…")))}. */
final class Fixture {
  static final Metadata META = Metadata.of(0644, 0, 0, 1_700_000_000_000_000_000L);
  static final Metadata DIR_META = Metadata.of(0755, 0, 0, 1_700_000_000_000_000_000L);

  final ObjectStore store;
  final ObjectDatabase db;

  Fixture(ObjectStore store) {
    this.store = store;
    this.db = new ObjectDatabase(store, 1 << 20);
  }

  Hashes blob(byte[] bytes) throws IOException {
    return store.insert(ObjectType.BLOB, bytes).hashes();
  }

  Entry file(String name, String content) throws IOException {
    return file(name, content.getBytes(StandardCharsets.UTF_8));
  }

  Entry file(String name, byte[] content) throws IOException {
    return Entry.file(Name.of(name), META, content.length, blob(content));
  }

  Entry symlink(String name, String target) {
    return Entry.symlink(Name.of(name), META, target.getBytes(StandardCharsets.UTF_8));
  }

  Entry dir(String name, Entry... entries) throws IOException {
    return Entry.directory(Name.of(name), DIR_META, db.writeTree(Tree.of(List.of(entries))));
  }

  ObjectId version(Entry... rootEntries) throws IOException {
    return version(DIR_META, rootEntries);
  }

  ObjectId version(Metadata rootMeta, Entry... rootEntries) throws IOException {
    Hashes root = db.writeTree(Tree.of(List.of(rootEntries)));
    return db.writeManifest(new Manifest(root, rootMeta, "stable", 1, "test", null, 0)).id();
  }
}
