package org.casfs.cas.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.casfs.cas.Entry;
import org.casfs.cas.EntryType;
import org.casfs.cas.Hashes;
import org.casfs.cas.Name;
import org.casfs.cas.ObjectId;
import org.casfs.cas.ObjectType;
import org.casfs.cas.Sha256;
import org.casfs.cas.Xattrs;
import org.casfs.cas.store.CountingStore;
import org.casfs.cas.store.MemoryObjectStore;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.cas.store.ObjectInfo;
import org.casfs.cas.store.ObjectStore;
import org.casfs.cas.store.Snapshot;
import org.junit.jupiter.api.Test;

class TreeDiffTest {
  final MemoryObjectStore store = new MemoryObjectStore();
  final Fixture f = new Fixture(store);

  DiffReport diff(ObjectId a, ObjectId b) throws IOException {
    return new TreeDiff(f.db).diff(Snapshot.open(f.db, a), Snapshot.open(f.db, b));
  }

  static List<String> lines(DiffReport d) {
    List<String> out = new ArrayList<>();
    d.changes().forEach(c -> out.add(c.toString()));
    return out;
  }

  @Test
  void identicalVersionsDoNotDiffer() throws Exception {
    ObjectId v = f.version(f.dir("usr", f.file("a", "a")));
    ObjectId same = f.version(f.dir("usr", f.file("a", "a")));
    assertThat(diff(v, same).changes()).isEmpty();
    assertThat(diff(v, same).summary()).isEqualTo("0 added (0 bytes), 0 removed (0 bytes), 0 changed (0 bytes now)");
  }

  @Test
  void addedRemovedAndChangedPathsWithWhatChanged() throws Exception {
    Entry ls = f.file("ls", "ls version 1");
    ObjectId v1 = f.version(
        f.dir("bin", ls, f.file("gone", "bye"), f.symlink("sh", "dash")),
        f.dir("etc", f.file("motd", "hello")),
        f.file("wasfile", "12345"),
        f.dir("wasdir", f.file("inner", "inner!")),
        Entry.special(Name.of("null"), EntryType.CHAR_DEVICE, Fixture.META, 0x103));
    ObjectId v2 = f.version(
        f.dir("bin", f.file("ls", "ls version 2!"), f.symlink("sh", "bash"), f.file("new", "fresh")),
        f.dir("etc", f.file("motd", "hello").withMeta(Fixture.META.withMode(0600).withOwner(0, 42))),
        f.dir("wasfile", f.file("x", "xx")),
        f.file("wasdir", "now a file"),
        Entry.special(Name.of("null"), EntryType.CHAR_DEVICE, Fixture.META.withMtime(5), 0x103),
        f.dir("newdir", f.dir("sub", f.file("deep", "deep file"))));
    DiffReport d = diff(v1, v2);
    assertThat(lines(d)).containsExactly(
        "D /bin/gone 3",
        "M /bin/ls 12 -> 13 [content]",
        "A /bin/new 5",
        "M /bin/sh 4 -> 4 [content]",
        "M /etc/motd 5 -> 5 [mode, owner]",
        "A /newdir 0",
        "A /newdir/sub 0",
        "A /newdir/sub/deep 9",
        "M /null 0 -> 0 [mtime]",
        "M /wasdir 0 -> 10 [type, mode]",
        "D /wasdir/inner 6",
        "M /wasfile 5 -> 0 [type, mode]",
        "A /wasfile/x 2");
    assertThat(d.added()).isEqualTo(5);
    assertThat(d.removed()).isEqualTo(2);
    assertThat(d.changed()).isEqualTo(6);
    assertThat(d.bytesAdded()).isEqualTo(5 + 9 + 2);
    assertThat(d.bytesRemoved()).isEqualTo(3 + 6);
    assertThat(d.bytesChanged()).isEqualTo(13 + 4 + 10 + 0);
    Change motd = d.changes().get(4);
    assertThat(motd.isMetadataOnly()).isTrue();
    assertThat(motd.aspects()).containsExactlyInAnyOrder(Change.Aspect.MODE, Change.Aspect.OWNER);
    assertThat(motd.path()).containsExactly(Name.of("etc"), Name.of("motd"));
  }

  @Test
  void xattrsHardlinksAndTheRootDirectoryItself() throws Exception {
    Entry plain = f.file("f", "same bytes");
    Entry capped = plain.withMeta(Fixture.META.withXattrs(Xattrs.of(Map.of("security.capability", new byte[] {1}))));
    ObjectId v1 = f.version(Fixture.DIR_META, plain, f.file("g", "same bytes"));
    ObjectId v2 = f.version(Fixture.DIR_META.withMode(0700), capped, f.file("g", "same bytes").withLink(1, 2));
    assertThat(lines(diff(v1, v2))).containsExactly("M / 0 -> 0 [mode]", "M /f 10 -> 10 [xattrs]",
        "M /g 10 -> 10 [hardlinks]");
  }

  @Test
  void namesThatAreNotUtf8AreShownEscaped() throws Exception {
    Entry odd = Entry.file(Name.of(new byte[] {'a', (byte) 0xff, '\n'}), Fixture.META, 1, f.blob(new byte[] {1}));
    ObjectId v1 = f.version();
    ObjectId v2 = f.version(odd);
    assertThat(lines(diff(v1, v2))).containsExactly("A /a\\xff\\x0a 1");
  }

  /** Only subtrees whose ids differ are read: a big unchanged tree costs nothing. */
  @Test
  void unchangedSubtreesAreNotRead() throws Exception {
    List<Entry> many = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      many.add(f.dir("d" + i, f.file("f", "file " + i)));
    }
    Entry big = f.dir("big", many.toArray(new Entry[0]));
    ObjectId v1 = f.version(big, f.dir("small", f.file("x", "1")));
    ObjectId v2 = f.version(big, f.dir("small", f.file("x", "2")));
    CountingStore countingStore = new CountingStore(store);
    ObjectDatabase counting = new ObjectDatabase(countingStore, 1 << 20);
    DiffReport d = new TreeDiff(counting).diff(Snapshot.open(counting, v1), Snapshot.open(counting, v2));
    assertThat(lines(d)).containsExactly("M /small/x 1 -> 1 [content]");
    // Two manifests, two roots (read by Snapshot.open, then cached) and the two "small" trees.
    assertThat(countingStore.reads()).isEqualTo(6);
  }

  /**
   * What V2 brings that V1 holds nowhere: a rename, a copy and a file moved into a new directory
   * cost nothing, two new paths with one content count once (the sum of added and changed sizes
   * said 4 x 12 + 2 x 5 bytes here).
   */
  @Test
  void newContentCountsOnlyBytesTheOldVersionHoldsNowhere() throws Exception {
    ObjectId v1 = f.version(f.dir("usr", f.file("big", "twelve bytes"), f.file("ls", "ls 1")));
    ObjectId v2 = f.version(
        f.dir("usr", f.file("renamed", "twelve bytes"), f.file("ls", "ls 2!")),
        f.dir("opt", f.file("copy", "twelve bytes"), f.file("fresh", "fresh")),
        f.file("copy2", "twelve bytes"), f.file("fresh-too", "fresh"));
    DiffReport d = diff(v1, v2);
    assertThat(NewContent.bytes(f.db, Snapshot.open(f.db, v1), d.changes())).isEqualTo(5 + 5);
    assertThat(NewContent.bytes(f.db, Snapshot.open(f.db, v2), diff(v2, v2).changes())).isZero();
  }
}
