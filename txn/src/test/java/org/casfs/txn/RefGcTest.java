package org.casfs.txn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.casfs.cas.ObjectId;
import org.casfs.cas.check.Fsck;
import org.casfs.cas.check.FsckReport;
import org.casfs.cas.store.Repository;
import org.casfs.cas.store.Snapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RefGcTest {
  @TempDir Path tmp;

  /** Versions v1..vN, each the parent of the next, labelled vI, /only-f holding its own content. */
  private static List<ObjectId> chain(Versions v, int n, String... samePathsAndContents) throws Exception {
    List<ObjectId> ids = new ArrayList<>();
    ObjectId parent = null;
    for (int i = 1; i <= n; i++) {
      List<String> files = new ArrayList<>(List.of("/only-f", "content of version " + i));
      files.addAll(List.of(samePathsAndContents));
      parent = TestRepos.commit(v, parent, "v" + i, files.toArray(String[]::new));
      ids.add(parent);
    }
    return ids;
  }

  private static ObjectId blobOf(Repository repo, ObjectId version) throws Exception {
    return Snapshot.open(repo.objectDatabase(), version).lookup("/only-f").childId();
  }

  /**
   * "The newest N" are the versions this repository registered last, not those its clock dated
   * last: a version made while the clock was set back (a dead clock battery, no time server)
   * carries a date years early, and gc removed it, the import just made, while it kept older ones.
   */
  @Test
  void theNewestVersionsAreTheLastRegisteredWhateverTheirDate() throws Exception {
    try (Repository repo = TestRepos.init(tmp)) { // keepVersions = 3
      Versions v = Versions.of(repo);
      List<ObjectId> ids = chain(v, 3);
      org.casfs.cas.Manifest three = repo.objectDatabase().readManifest(ids.get(2));
      ObjectId late = TestRepos.commit(v, ids.get(2), "late", "/only-f", "made while the clock said 2020");
      org.casfs.cas.Manifest made = repo.objectDatabase().readManifest(late);
      org.casfs.cas.Manifest dated2020 = new org.casfs.cas.Manifest(made.root(), made.rootMeta(), made.channel(),
          made.sequence(), "dated-2020", made.parent(), 1_577_836_800_000L); // 2020-01-01
      ObjectId back = repo.objectDatabase().writeManifest(dated2020).id();
      repo.flush();
      assertThat(v.refs().registerVersion(back, dated2020)).isEqualTo(RefUpdate.OK);
      assertThat(three.createdMillis()).isGreaterThan(dated2020.createdMillis());

      assertThat(v.refs().versionsNewestFirst()).startsWith(back, late, ids.get(2));
      new RefGc(v).run(Set.of());
      assertThat(v.completeness().check(back).complete()).as("the version registered last").isTrue();
      assertThat(repo.objects().contains(ids.get(0))).as("v1, the oldest registered").isFalse();
    }
  }

  @Test
  void keepsRefsPinsNewestVersionsAndTheOpenTransactionAndRemovesTheRest() throws Exception {
    try (Repository repo = TestRepos.init(tmp)) { // keepVersions = 3
      Versions v = Versions.of(repo);
      List<ObjectId> ids = chain(v, 8, "/shared", "same");
      ObjectId v1 = ids.get(0);
      ObjectId v4 = ids.get(3);
      v.refs().pin("golden", v1);
      v.rootPointer().flip(null, ids.get(1), "a", Actor.COMMAND);
      v.rootPointer().flip(ids.get(1), ids.get(2), "b", Actor.COMMAND);
      v.refs().setStaged(ids.get(4));
      // v6..v8 are the newest three; only v4 has nothing holding it, except this transaction
      Transaction t = v.transactions().begin(v4);
      t.rename("/only-f", "/renamed");
      ObjectId v4blob = blobOf(repo, v4);
      assertThat(new RefGc(v).roots()).contains(v1, ids.get(1), ids.get(2), ids.get(4), ids.get(5), ids.get(6),
          ids.get(7), v4);

      new RefGc(v).run(Set.of());
      for (ObjectId id : ids) {
        assertThat(v.completeness().check(id).complete()).as("version %s kept", id).isTrue();
      }
      t.abort();

      new RefGc(v).run(Set.of());
      assertThat(repo.objects().contains(v4)).isFalse();
      assertThat(repo.objects().contains(v4blob)).isFalse();
      assertThat(v.refs().getOrNull(Refs.LABEL_PREFIX + "v4")).isNull();
      assertThatThrownBy(() -> v.resolver().resolve("v4")).isInstanceOf(VersionException.class);
      assertThat(v.rootPointer().switchTo(v4, "gone", Actor.COMMAND)).isEqualTo(RefUpdate.REJECTED_MISSING_OBJECT);
      List<ObjectId> kept = new ArrayList<>(ids);
      kept.remove(v4);
      for (ObjectId id : kept) {
        assertThat(v.completeness().check(id).complete()).as("version %s kept", id).isTrue();
      }
      FsckReport report = new Fsck(repo.objects()).roots(kept).run();
      assertThat(report.isClean()).as(String.join("\n", report.lines())).isTrue();
    }
  }
}
