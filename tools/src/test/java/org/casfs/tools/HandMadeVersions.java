package org.casfs.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.casfs.cas.Entry;
import org.casfs.cas.EntryType;
import org.casfs.cas.Hashes;
import org.casfs.cas.Manifest;
import org.casfs.cas.Metadata;
import org.casfs.cas.Name;
import org.casfs.cas.ObjectId;
import org.casfs.cas.ObjectType;
import org.casfs.cas.Tree;
import org.casfs.cas.Xattrs;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.cas.store.Repository;
import org.casfs.txn.RefUpdate;
import org.casfs.txn.Versions;

/** Writes small versions straight through the object database, without an importer. */
final class HandMadeVersions {
  static final long T0 = 1_700_000_000_123_456_789L;

  private HandMadeVersions() {}

  /** A version with /etc/hostname, /bin/tool (setuid), /lib -> usr/lib, /dev/null, /usr/lib/empty. */
  static ObjectId write(Repository repo, String hostname, String label, ObjectId parent, long sequence)
      throws IOException {
    ObjectDatabase db = repo.objectDatabase();
    Metadata dirMeta = Metadata.of(0755, 0, 0, T0);
    Hashes host = blob(repo, hostname);
    Hashes tool = blob(repo, "#!/bin/sh\necho tool\n");
    Hashes empty = blob(repo, "");
    Tree etc = Tree.of(List.of(Entry.file(Name.of("hostname"), Metadata.of(0644, 0, 0, T0), hostname.length(), host)));
    Tree bin = Tree.of(List.of(Entry.file(Name.of("tool"),
        new Metadata(04755, 0, 0, T0, Xattrs.of(java.util.Map.of("user.note", "hi".getBytes(StandardCharsets.UTF_8)))),
        20, tool)));
    Tree usrLib = Tree.of(List.of(Entry.file(Name.of("empty"), Metadata.of(0600, 1000, 1000, T0), 0, empty)));
    Tree usr = Tree.of(List.of(Entry.directory(Name.of("lib"), dirMeta, db.writeTree(usrLib))));
    Tree dev = Tree.of(List.of(Entry.special(Name.of("null"), EntryType.CHAR_DEVICE, Metadata.of(0666, 0, 0, T0),
        (1L << 8) | 3)));
    Tree root = Tree.of(List.of(
        Entry.directory(Name.of("etc"), dirMeta, db.writeTree(etc)),
        Entry.directory(Name.of("bin"), dirMeta, db.writeTree(bin)),
        Entry.directory(Name.of("usr"), dirMeta, db.writeTree(usr)),
        Entry.directory(Name.of("dev"), dirMeta, db.writeTree(dev)),
        Entry.symlink(Name.of("lib"), Metadata.of(0777, 0, 0, T0), "usr/lib".getBytes(StandardCharsets.UTF_8))));
    Manifest m = new Manifest(db.writeTree(root), dirMeta, repo.config().channel(), sequence, label, parent,
        1_700_000_000_000L + sequence * 1000);
    ObjectId id = db.writeManifest(m).id();
    repo.flush();
    if (Versions.of(repo).refs().registerVersion(id, m) != RefUpdate.OK) {
      throw new IllegalStateException("could not register " + id);
    }
    return id;
  }

  private static Hashes blob(Repository repo, String content) throws IOException {
    return repo.objects().insert(ObjectType.BLOB, content.getBytes(StandardCharsets.UTF_8)).hashes();
  }
}
