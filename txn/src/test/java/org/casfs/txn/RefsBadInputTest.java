package org.casfs.txn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.casfs.cas.Entry;
import org.casfs.cas.Hashes;
import org.casfs.cas.Manifest;
import org.casfs.cas.Metadata;
import org.casfs.cas.Name;
import org.casfs.cas.ObjectId;
import org.casfs.cas.Tree;
import org.casfs.cas.store.Repository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input to refs, flips and the resolver: a clear refusal, and nothing changes. */
class RefsBadInputTest {
  @TempDir Path tmp;

  private static Map<String, ObjectId> state(Versions v) throws Exception {
    Map<String, ObjectId> s = new HashMap<>(v.refs().all());
    s.put("#history", v.refs().history().isEmpty() ? null : v.refs().history().get(v.refs().history().size() - 1).to());
    return s;
  }

  /** A manifest whose tree names a blob the store does not hold. */
  private static ObjectId incompleteVersion(Repository repo) throws Exception {
    Hashes absentBlob = Hashes.of("never stored".getBytes());
    Tree tree = Tree.of(List.of(Entry.file(Name.of("ghost"), Metadata.of(0644, 0, 0, 0), 12, absentBlob)));
    Hashes root = repo.objectDatabase().writeTree(tree);
    return repo.objectDatabase().writeManifest(new Manifest(root, Metadata.of(0755, 0, 0, 0), "stable", 9, "ghost",
        null, 0)).id();
  }

  @Test
  void refsNeverPointAtMissingOrIncompleteVersions() throws Exception {
    try (Repository repo = TestRepos.init(tmp)) {
      Versions v = Versions.of(repo);
      ObjectId good = TestRepos.commit(v, null, "good", "/f", "x");
      v.rootPointer().flip(null, good, "start", Actor.COMMAND);
      Map<String, ObjectId> before = state(v);
      ObjectId unknown = ObjectId.fromString("00000000000000000000000000000000000000aa");
      ObjectId incomplete = incompleteVersion(repo);
      ObjectId tree = repo.objectDatabase().readManifest(good).rootId();

      assertThat(v.rootPointer().switchTo(unknown, "x", Actor.COMMAND)).isEqualTo(RefUpdate.REJECTED_MISSING_OBJECT);
      assertThat(v.rootPointer().switchTo(incomplete, "x", Actor.COMMAND)).isEqualTo(RefUpdate.REJECTED_MISSING_OBJECT);
      assertThat(v.rootPointer().switchTo(tree, "x", Actor.COMMAND)).isEqualTo(RefUpdate.REJECTED_NOT_A_MANIFEST);
      assertThat(v.refs().setStaged(incomplete)).isEqualTo(RefUpdate.REJECTED_MISSING_OBJECT);
      assertThat(v.refs().pin("keep", unknown)).isEqualTo(RefUpdate.REJECTED_MISSING_OBJECT);
      assertThat(v.completeness().check(incomplete).missing()).isEqualTo(Hashes.of("never stored".getBytes()).id());
      assertThatThrownBy(() -> v.transactions().begin(incomplete)).isInstanceOf(VersionException.class)
          .hasMessageContaining("not complete");
      assertThat(state(v)).isEqualTo(before);
      assertThat(v.transactions().openOrNull()).isNull();
    }
  }

  @Test
  void rollbackWithoutPreviousAndUnknownVersionsAreClearErrors() throws Exception {
    try (Repository repo = TestRepos.init(tmp)) {
      Versions v = Versions.of(repo);
      ObjectId one = TestRepos.commit(v, null, "one", "/f", "1");
      assertThatThrownBy(() -> v.rootPointer().rollback()).isInstanceOf(VersionException.class)
          .hasMessageContaining("no previous version");
      v.rootPointer().flip(null, one, "first", Actor.COMMAND);
      assertThatThrownBy(() -> v.rootPointer().rollback()).isInstanceOf(VersionException.class)
          .hasMessageContaining("no previous version");
      ObjectId two = TestRepos.commit(v, one, "two", "/f", "2");
      assertThatThrownBy(() -> v.rootPointer().rollbackTo(two)).isInstanceOf(VersionException.class)
          .hasMessageContaining("never ran here");
      Map<String, ObjectId> before = state(v);
      assertThatThrownBy(() -> v.resolver().resolve("nosuchlabel")).isInstanceOf(VersionException.class)
          .hasMessageContaining("unknown version 'nosuchlabel'");
      assertThatThrownBy(() -> v.resolver().resolve("previous")).isInstanceOf(VersionException.class)
          .hasMessageContaining("'previous' is not set");
      assertThatThrownBy(() -> v.resolver().resolve("current~5")).isInstanceOf(VersionException.class)
          .hasMessageContaining("no parent");
      assertThatThrownBy(() -> v.resolver().resolve("current~x")).isInstanceOf(VersionException.class);
      assertThatThrownBy(() -> v.resolver().resolve(repo.objectDatabase().readManifest(one).rootId().name()))
          .isInstanceOf(VersionException.class).hasMessageContaining("not a version");
      assertThat(state(v)).isEqualTo(before);
    }
  }

  @Test
  void ambiguousPrefixListsTheCandidates() throws Exception {
    try (Repository repo = TestRepos.init(tmp)) {
      Versions v = Versions.of(repo);
      ObjectId base = TestRepos.commit(v, null, "base", "/f", "1");
      Manifest m = repo.objectDatabase().readManifest(base);
      Map<String, ObjectId> byPrefix = new HashMap<>();
      String prefix = null;
      for (int i = 0; prefix == null; i++) {
        Manifest variant = new Manifest(m.root(), m.rootMeta(), "stable", i, "", null, i);
        ObjectId id = repo.objectDatabase().writeManifest(variant).id();
        assertThat(v.refs().registerVersion(id, variant)).isEqualTo(RefUpdate.OK);
        ObjectId other = byPrefix.putIfAbsent(id.name().substring(0, 4), id);
        if (other != null) {
          prefix = id.name().substring(0, 4);
          String p = prefix;
          assertThatThrownBy(() -> v.resolver().resolve(p)).isInstanceOf(VersionException.class)
              .hasMessageContaining("ambiguous").hasMessageContaining(id.name()).hasMessageContaining(other.name())
              .satisfies(e -> assertThat(((VersionException) e).reason()).isEqualTo(VersionException.Reason.AMBIGUOUS));
          assertThat(v.resolver().resolve(id.name().substring(0, 12))).isEqualTo(id);
        }
      }
    }
  }

  @Test
  void pinsStagedAndLabels() throws Exception {
    try (Repository repo = TestRepos.init(tmp)) {
      Versions v = Versions.of(repo);
      ObjectId one = TestRepos.commit(v, null, "release-1", "/f", "1");
      ObjectId two = TestRepos.commit(v, one, "release-2", "/f", "2");
      assertThat(v.refs().pin("golden", one)).isEqualTo(RefUpdate.OK);
      assertThat(v.refs().pin("golden", one)).isEqualTo(RefUpdate.NO_CHANGE);
      assertThat(v.refs().pin(two.name(), two)).isEqualTo(RefUpdate.OK);
      assertThat(v.resolver().resolve("golden")).isEqualTo(one);
      assertThat(v.resolver().resolve("pin/golden")).isEqualTo(one);
      assertThat(v.resolver().resolve("release-2")).isEqualTo(two);
      assertThat(v.refs().setStaged(two)).isEqualTo(RefUpdate.OK);
      assertThat(v.resolver().resolve("staged")).isEqualTo(two);
      assertThat(v.refs().unpin(two.name())).isEqualTo(1);
      assertThat(v.refs().unpin(one.name())).as("unpin by version id").isEqualTo(1);
      assertThat(v.refs().pins()).isEmpty();
      assertThat(v.refs().unpin("nothing")).isZero();
      assertThatThrownBy(() -> v.refs().pin("bad name/with slash", one)).isInstanceOf(IllegalArgumentException.class);
      assertThat(v.refs().clearStaged()).isTrue();
      assertThat(v.refs().stagedOrNull()).isNull();
    }
  }
}
