package org.casfs.cas.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.casfs.cas.Entry;
import org.casfs.cas.Hashes;
import org.casfs.cas.Name;
import org.casfs.cas.ObjectId;
import org.casfs.cas.ObjectType;
import org.casfs.cas.Sha256;
import org.casfs.cas.store.MemoryObjectStore;
import org.junit.jupiter.api.Test;

/** Fsck on the memory store: each kind of damage is named by id and by every path that reaches it. */
class FsckTest {
  final MemoryObjectStore store = new MemoryObjectStore();
  final Fixture f = new Fixture(store);

  @Test
  void aCleanStoreHasNoProblems() throws Exception {
    ObjectId v = f.version(f.dir("usr", f.file("a", "a"), f.file("b", "b")), f.symlink("l", "usr/a"));
    Set<String> phases = ConcurrentHashMap.newKeySet();
    FsckReport r = new Fsck(store).roots(List.of(v)).progress((phase, done, total) -> phases.add(phase)).run();
    assertThat(r.problems()).isEmpty();
    assertThat(r.isClean()).isTrue();
    assertThat(r.objectsChecked()).isEqualTo(5); // manifest, 2 trees, 2 blobs
    assertThat(r.manifestsWalked()).isEqualTo(1);
    assertThat(r.treesWalked()).isEqualTo(2);
    assertThat(r.summary()).contains("checked 5 objects").contains("no problems");
    assertThat(phases).contains("objects", "references");
  }

  @Test
  void aCorruptBlobIsNamedWithEveryPathThatReachesIt() throws Exception {
    Entry lib = f.dir("lib", f.file("libc.so", "the C library"));
    ObjectId v1 = f.version(f.dir("usr", lib), f.dir("opt", lib), f.file("other", "fine"));
    Hashes libc = Hashes.of("the C library".getBytes());
    store.corrupt(libc.id(), "the C librarz".getBytes());
    FsckReport r = new Fsck(store).roots(List.of(v1)).run();
    assertThat(r.problems()).hasSize(1);
    Problem p = r.problems().get(0);
    assertThat(p.kind()).isEqualTo(Problem.Kind.CORRUPT);
    assertThat(p.id()).isEqualTo(libc.id());
    assertThat(p.paths()).containsExactlyInAnyOrder("/opt/lib/libc.so", "/usr/lib/libc.so");
    assertThat(p.toString()).startsWith("blob " + libc.id() + " at /opt/lib/libc.so, /usr/lib/libc.so: corrupt (hashes to "
        + Hashes.of("the C librarz".getBytes()).id() + ")");
    assertThat(r.lines()).last().asString().contains("1 problem");
  }

  @Test
  void missingObjectsWrongTypesAndDisagreeingHashesAreBadReferences() throws Exception {
    Hashes blob = f.blob("content".getBytes());
    Hashes gone = Hashes.of("never stored".getBytes());
    Entry missing = Entry.file(Name.of("missing"), Fixture.META, 12, gone);
    Entry dirIsBlob = Entry.directory(Name.of("notadir"), Fixture.DIR_META, blob);
    Entry wrongSha = Entry.file(Name.of("wrongsha"), Fixture.META, 7,
        new Hashes(blob.id(), Sha256.fromRaw(new byte[Sha256.LENGTH])));
    Entry wrongSize = Entry.file(Name.of("wrongsize"), Fixture.META, 8, blob);
    ObjectId v = f.version(f.dir("d", missing, dirIsBlob, wrongSha, wrongSize));
    FsckReport r = new Fsck(store).roots(List.of(v)).run();
    List<String> lines = new ArrayList<>();
    r.problems().forEach(p -> lines.add(p.toString()));
    assertThat(lines).containsExactlyInAnyOrder(
        "blob " + gone.id() + " at /d/missing: missing",
        "tree " + blob.id() + " at /d/notadir: the entry names a tree, the store holds a blob",
        "blob " + blob.id() + " at /d/wrongsha: the entry names SHA-256 " + Sha256.fromRaw(new byte[32])
            + ", the stored object has " + blob.sha256(),
        "blob " + blob.id() + " at /d/wrongsize: the entry says 8 bytes, the stored blob has 7");
    assertThat(r.problems()).extracting(Problem::kind)
        .containsOnly(Problem.Kind.MISSING, Problem.Kind.BAD_REFERENCE);
  }

  @Test
  void anUndecodableTreeIsNamedWhereItIsReachedAndItsSubtreeIsNotWalked() throws Exception {
    byte[] junk = {1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    Hashes bad = store.insert(ObjectType.TREE, junk).hashes();
    ObjectId v = f.version(Entry.directory(Name.of("etc"), Fixture.DIR_META, bad));
    FsckReport r = new Fsck(store).roots(List.of(v)).run();
    assertThat(r.problems()).hasSize(1);
    assertThat(r.problems().get(0).kind()).isEqualTo(Problem.Kind.UNDECODABLE);
    assertThat(r.problems().get(0).toString())
        .isEqualTo("tree " + bad.id() + " at /etc: tree does not decode: empty name in entry 0 () at byte 3");
  }

  @Test
  void damageOutsideTheCheckedVersionsIsStillFoundWithoutAPath() throws Exception {
    ObjectId v = f.version(f.file("a", "a"));
    Hashes loose = f.blob("unreferenced".getBytes());
    store.corrupt(loose.id(), "unreferencee".getBytes());
    FsckReport r = new Fsck(store).roots(List.of(v)).run();
    assertThat(r.problems()).extracting(Problem::toString)
        .containsExactly("blob " + loose.id() + ": corrupt (hashes to " + Hashes.of("unreferencee".getBytes()).id() + ")");
  }

  @Test
  void anUnfinishedVersionIsCountedNotReportedButWhatItHoldsMustBeSound() throws Exception {
    Hashes notYetTree = Hashes.of(new byte[] {1, 0, 0});
    Entry notYetBlob = Entry.file(Name.of("late"), Fixture.META, 9, Hashes.of("not yet..".getBytes()));
    Entry stored = f.file("here", "stored already");
    Entry usr = f.dir("usr", stored, notYetBlob);
    ObjectId pulling = f.version(usr, Entry.directory(Name.of("lib"), Fixture.DIR_META, notYetTree),
        f.file("bad", "damaged on disk"));
    ObjectId v = f.version(f.file("a", "a"));

    FsckReport r = new Fsck(store).roots(List.of(v)).unfinished(List.of(pulling, v)).run();
    assertThat(r.problems()).isEmpty();
    assertThat(r.isClean()).isTrue();
    assertThat(r.unfinished()).containsExactly(new FsckReport.Unfinished(pulling, 2)); // v is whole: not named
    assertThat(r.lines()).contains("unfinished version " + pulling.name() + ": 2 objects not stored yet (a pull"
        + " that stopped half way, not damage: pulling again fetches the rest)");
    assertThat(r.summary()).endsWith("no problems, 1 unfinished version (not damage)");

    // What it holds is checked as any object: damage there is a problem, named at its path.
    ObjectId bad = Hashes.of("damaged on disk".getBytes()).id();
    store.corrupt(bad, "damaged on disc".getBytes());
    r = new Fsck(store).roots(List.of(v)).unfinished(List.of(pulling)).run();
    assertThat(r.problems()).singleElement().satisfies(p -> {
      assertThat(p.id()).isEqualTo(bad);
      assertThat(p.paths()).containsExactly("/bad");
    });
    assertThat(r.unfinished()).containsExactly(new FsckReport.Unfinished(pulling, 2));

    // Checked as a version instead, the same manifest is damaged.
    assertThat(new Fsck(store).roots(List.of(pulling)).run().problemCount()).isEqualTo(3);
  }

  @Test
  void aMissingOrCorruptManifestIsReported() throws Exception {
    ObjectId v = f.version(f.file("a", "a"));
    ObjectId absent = Hashes.of("no such manifest".getBytes()).id();
    byte[] good = store.read(v);
    byte[] bad = good.clone();
    bad[bad.length - 1] ^= 1;
    store.corrupt(v, bad);
    FsckReport r = new Fsck(store).roots(List.of(v, absent)).run();
    assertThat(r.problems()).extracting(Problem::toString).containsExactlyInAnyOrder(
        "manifest " + absent + " at version " + absent.name().substring(0, 12) + ": missing",
        "manifest " + v + " at version " + v.name().substring(0, 12) + ": corrupt (hashes to " + Hashes.of(bad).id() + ")");
  }

  @Test
  void sharedHealthySubtreesAreWalkedOnce() throws Exception {
    List<Entry> many = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      many.add(f.file("f" + i, "content " + i));
    }
    Entry shared = f.dir("shared", many.toArray(new Entry[0]));
    List<ObjectId> versions = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      versions.add(f.version(shared, f.file("version", "v" + i)));
    }
    Collections.shuffle(versions);
    FsckReport r = new Fsck(store).roots(versions).threads(2).run();
    assertThat(r.problems()).isEmpty();
    assertThat(r.treesWalked()).isEqualTo(11); // ten roots and the one shared tree
  }
}
