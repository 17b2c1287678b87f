package org.casfs.cas.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.casfs.cas.CorruptObjectException;
import org.casfs.cas.Entry;
import org.casfs.cas.Hashes;
import org.casfs.cas.MissingObjectException;
import org.casfs.cas.Name;
import org.casfs.cas.ObjectId;
import org.casfs.cas.ObjectType;
import org.casfs.cas.store.MemoryObjectStore;
import org.casfs.cas.store.ObjectStore;
import org.casfs.cas.store.ObjectInfo;
import org.casfs.cas.store.RepoConfig;
import org.casfs.cas.store.Repository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GcTest {
  @TempDir
  Path tmp;

  static long count(ObjectStore store) throws IOException {
    long[] n = {0};
    store.forEach(i -> ++n[0] > 0);
    return n[0];
  }

  @Test
  void keepsWhatTheRootsReachAndRemovesTheRest() throws Exception {
    MemoryObjectStore store = new MemoryObjectStore();
    Fixture f = new Fixture(store);
    Entry shared = f.dir("shared", f.file("s", "shared file"));
    ObjectId v1 = f.version(shared, f.file("only1", "only in v1"));
    ObjectId v2 = f.version(shared, f.file("only2", "only in v2"));
    Hashes pinnedTree = f.db.writeTree(org.casfs.cas.Tree.of(List.of(f.file("txn", "open transaction"))));
    Hashes pinnedBlob = f.blob("download in flight".getBytes());
    f.blob("garbage".getBytes());
    assertThat(count(store)).isEqualTo(12);
    GcReport r = new Gc(store).run(List.of(v2, pinnedTree.id(), pinnedBlob.id()));
    // v1's manifest, root tree, "only in v1" blob, and "garbage" go.
    assertThat(r.removed()).isEqualTo(4);
    assertThat(r.reachable()).isEqualTo(8);
    assertThat(count(store)).isEqualTo(8);
    assertThat(store.contains(v1)).isFalse();
    assertThat(store.contains(Hashes.of("garbage".getBytes()).id())).isFalse();
    assertThat(store.contains(Hashes.of("open transaction".getBytes()).id())).isTrue();
    assertThat(new Fsck(store).roots(List.of(v2)).run().problems()).isEmpty();
    assertThat(r.summary()).startsWith("kept 8 reachable objects, removed 4 (");
    // A second run has nothing to do.
    assertThat(new Gc(store).run(List.of(v2, pinnedTree.id(), pinnedBlob.id())).removed()).isZero();
  }

  @Test
  void anUnfinishedVersionKeepsWhatOfItIsStored() throws Exception {
    MemoryObjectStore store = new MemoryObjectStore();
    Fixture f = new Fixture(store);
    ObjectId v = f.version(f.file("a", "a"));
    Hashes notYetTree = Hashes.of(new byte[] {1, 0, 0});
    Entry notYetBlob = Entry.file(Name.of("late"), Fixture.META, 9, Hashes.of("not yet..".getBytes()));
    Entry usr = f.dir("usr", f.file("here", "stored already"), notYetBlob);
    ObjectId pulling = f.version(usr, Entry.directory(Name.of("lib"), Fixture.DIR_META, notYetTree));
    ObjectId earlierPull = f.version(f.file("superseded", "a pull a newer one replaced"));
    f.blob("garbage".getBytes());
    long pullingStored = 4; // manifest, root tree, usr, "stored already"

    GcReport r = new Gc(store).unfinished(() -> List.of(pulling)).run(List.of(v));
    assertThat(r.reachable()).isEqualTo(3 + pullingStored);
    assertThat(r.removed()).isEqualTo(4); // the earlier pull's manifest, tree and blob, and "garbage"
    assertThat(store.contains(pulling)).isTrue();
    assertThat(store.contains(usr.childId())).isTrue();
    assertThat(store.contains(Hashes.of("stored already".getBytes()).id())).isTrue();
    assertThat(store.contains(earlierPull)).isFalse();
    assertThat(new Fsck(store).roots(List.of(v)).unfinished(List.of(pulling)).run().unfinished())
        .containsExactly(new FsckReport.Unfinished(pulling, 2));

    // Not in flight any more: it goes like any garbage.
    r = new Gc(store).run(List.of(v));
    assertThat(r.removed()).isEqualTo(pullingStored);
    assertThat(count(store)).isEqualTo(3);
  }

  @Test
  void bytesFreedAreTheSizesOfWhatWentAway() throws Exception {
    MemoryObjectStore store = new MemoryObjectStore();
    Fixture f = new Fixture(store);
    ObjectId v = f.version(f.file("a", "a"));
    f.blob(new byte[1000]);
    f.blob(new byte[234]);
    GcReport r = new Gc(store).run(List.of(v));
    assertThat(r.removed()).isEqualTo(2);
    assertThat(r.bytesFreed()).isEqualTo(1234);
  }

  @Test
  void aMissingOrDamagedReachableTreeStopsGcBeforeItRemovesAnything() throws Exception {
    MemoryObjectStore store = new MemoryObjectStore();
    Fixture f = new Fixture(store);
    Hashes absentTree = Hashes.of(new byte[] {1, 0, 0});
    ObjectId broken = f.version(Entry.directory(Name.of("lost"), Fixture.DIR_META, absentTree), f.file("x", "x"));
    f.blob("garbage".getBytes());
    long before = count(store);
    assertThatThrownBy(() -> new Gc(store).run(List.of(broken))).isInstanceOf(MissingObjectException.class)
        .hasMessageContaining(absentTree.id().name()).hasMessageContaining("nothing was removed");
    assertThat(count(store)).isEqualTo(before);

    Entry etc = f.dir("etc", f.file("passwd", "root"));
    ObjectId damaged = f.version(etc);
    store.corrupt(etc.childId(), new byte[] {1, 0});
    before = count(store);
    assertThatThrownBy(() -> new Gc(store).run(List.of(damaged))).isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining(etc.childId().name());
    assertThat(count(store)).isEqualTo(before);

    ObjectId noSuchRoot = Hashes.of("no such version".getBytes()).id();
    assertThatThrownBy(() -> new Gc(store).run(List.of(noSuchRoot))).isInstanceOf(MissingObjectException.class)
        .hasMessageContaining(noSuchRoot.name()).hasMessageContaining("gc root");
    assertThat(count(store)).isEqualTo(before);
  }

  @Test
  void objectsInsertedWhileGcRunsSurviveIt() throws Exception {
    MemoryObjectStore store = new MemoryObjectStore();
    Fixture f = new Fixture(store);
    ObjectId v = f.version(f.file("a", "a"));
    byte[] old = "unreachable but inserted again during gc".getBytes();
    byte[] fresh = "new during gc".getBytes();
    store.insert(ObjectType.BLOB, old);
    f.blob("plain garbage".getBytes());
    AtomicBoolean inserted = new AtomicBoolean();
    GcReport r = new Gc(store).progress((phase, done, total) -> {
      if (phase.equals("mark") && inserted.compareAndSet(false, true)) {
        ObjectStore asStore = store;
        try {
          asStore.insert(ObjectType.BLOB, old);
          asStore.insert(ObjectType.BLOB, fresh);
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }
    }).run(List.of(v));
    assertThat(inserted).isTrue();
    assertThat(store.contains(Hashes.of(old).id())).isTrue();
    assertThat(store.contains(Hashes.of(fresh).id())).isTrue();
    assertThat(store.contains(Hashes.of("plain garbage".getBytes()).id())).isFalse();
    assertThat(r.removed()).isEqualTo(1);
    assertThat(r.keptInserted()).isEqualTo(2);
  }

  @Test
  void rootsAreCollectedAfterTheSweepOpensSoNoWriteFallsBetween() throws Exception {
    MemoryObjectStore store = new MemoryObjectStore();
    Fixture f = new Fixture(store);
    ObjectId v = f.version(f.file("a", "a"));
    byte[] racing = "written by a transaction while gc collected its roots".getBytes();
    GcReport r = new Gc(store).run(() -> {
      ObjectStore asStore = store;
      asStore.insert(ObjectType.BLOB, racing); // not among the roots returned
      return List.of(v);
    });
    assertThat(store.contains(Hashes.of(racing).id())).isTrue();
    assertThat(r.keptInserted()).isEqualTo(1);
  }

  @Test
  void onARealRepositoryLooseFilesGoAndOrphansAreSwept() throws Exception {
    try (Repository repo = Repository.init(tmp.resolve("repo"), RepoConfig.defaults().withInlineThreshold(100))) {
      Fixture f = new Fixture(repo.objects());
      ObjectId v = f.version(f.file("big", new byte[5000]), f.file("small", "small"));
      ObjectId garbage = f.blob(new byte[7000]).id();
      Path garbageFile = repo.objects().loosePath(garbage);
      ObjectId orphan = f.blob(new byte[3000]).id();
      Path orphanFile = repo.objects().loosePath(orphan);
      repo.flush(); // a crash inside gc orphans a stored file, not one an unflushed insert just wrote
      repo.kv().batch().delete("index", orphan.toRaw()).commit(true);
      GcReport r = new Gc(repo.objects()).run(List.of(v));
      assertThat(r.removed()).isEqualTo(1);
      assertThat(r.bytesFreed()).isEqualTo(7000);
      assertThat(r.orphanBytesFreed()).isEqualTo(3000);
      assertThat(garbageFile).doesNotExist();
      assertThat(orphanFile).doesNotExist();
      assertThat(repo.objects().loosePath(Hashes.of(new byte[5000]).id())).exists();
      assertThat(new Fsck(repo.objects()).roots(List.of(v)).run().problems()).isEmpty();
    }
  }

  /**
   * gc killed (SIGKILL) at random instants, again and again: every reachable object stays
   * readable; at most orphan files are left, and a final gc finishes the job.
   */
  @Test
  void killedAtAnyPointGcNeverLosesAReachableObject() throws Exception {
    Path dir = tmp.resolve("repo");
    Random rnd = new Random(RandomSeed.get());
    ObjectId version;
    List<ObjectId> reachable = new ArrayList<>();
    try (Repository repo = Repository.init(dir, RepoConfig.defaults().withInlineThreshold(512))) {
      Fixture f = new Fixture(repo.objects());
      List<Entry> files = new ArrayList<>();
      for (int i = 0; i < 150; i++) {
        Entry e = f.file("f" + i, RepositoryCorruptionTest.random(i % 2 == 0 ? 100 : 2000 + i, i));
        files.add(e);
        reachable.add(e.childId());
      }
      version = f.version(f.dir("usr", files.toArray(new Entry[0])));
      repo.flush();
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    long fullRun = 0;
    for (int round = 0; round < 4; round++) {
      try (Repository repo = Repository.open(dir)) {
        for (int i = 0; i < 800; i++) {
          repo.objects().insert(ObjectType.BLOB, RepositoryCorruptionTest.random(i % 5 == 0 ? 1500 : 100, rnd.nextLong()));
        }
        repo.flush();
      }
      Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), GcRunner.class.getName(),
          dir.toString(), version.name()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      try {
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).isEqualTo("open");
        long start = System.nanoTime();
        if (round == 0) {
          assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
          fullRun = Math.max(1, (System.nanoTime() - start) / 1_000_000);
        } else {
          Thread.sleep(rnd.nextInt((int) fullRun + 1));
          child.destroyForcibly();
          child.waitFor(60, TimeUnit.SECONDS);
        }
      } finally {
        child.destroyForcibly();
        child.waitFor(60, TimeUnit.SECONDS);
      }
      try (Repository repo = Repository.open(dir)) {
        FsckReport r = new Fsck(repo.objects()).roots(List.of(version)).run();
        assertThat(r.problems()).as("round %d", round).isEmpty();
        for (ObjectId id : reachable) {
          assertThat(repo.objects().read(id)).isNotNull();
        }
        // The content index is written and deleted in the object index's batches: every blob
        // left after the kill is still found by its SHA-256.
        for (ObjectId id : reachable) {
          assertThat(repo.objects().blobIdOrNull(repo.objects().statOrNull(id).sha256())).isEqualTo(id);
        }
        List<ObjectInfo> all = new ArrayList<>();
        repo.objects().forEach(all::add);
        for (ObjectInfo info : all) {
          if (info.type() == ObjectType.BLOB) {
            assertThat(repo.objects().blobIdOrNull(info.sha256())).as("round %d", round).isEqualTo(info.id());
          }
        }
      }
    }
    try (Repository repo = Repository.open(dir)) {
      new Gc(repo.objects()).run(List.of(version));
      FsckReport r = new Fsck(repo.objects()).roots(List.of(version)).run();
      assertThat(r.problems()).isEmpty();
      assertThat(r.orphans()).isEmpty();
      assertThat(r.objectsChecked()).isEqualTo(reachable.size() + 3);
      try (var s = Files.walk(dir.resolve("objects"))) {
        assertThat(s.filter(Files::isRegularFile).count()).isEqualTo(reachable.stream().filter(id -> {
          try {
            return repo.objects().isStoredLoose(id);
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        }).count());
      }
    }
  }
}
