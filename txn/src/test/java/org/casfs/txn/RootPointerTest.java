package org.casfs.txn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.Repository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootPointerTest {
  @TempDir Path tmp;

  @Test
  void flipSetsCurrentPreviousAndHistoryAndRollbackGoesBack() throws Exception {
    try (Repository repo = TestRepos.init(tmp)) {
      Versions v = Versions.of(repo);
      ObjectId a = TestRepos.commit(v, null, "a", "/etc/motd", "one");
      ObjectId b = TestRepos.commit(v, a, "b", "/etc/motd", "two");
      RootPointer rp = v.rootPointer();
      assertThat(rp.flip(null, a, "first", Actor.COMMAND)).isEqualTo(RefUpdate.OK);
      assertThat(rp.flip(null, b, "stale", Actor.COMMAND)).isEqualTo(RefUpdate.LOCK_FAILURE);
      assertThat(rp.flip(a, a, "same", Actor.COMMAND)).isEqualTo(RefUpdate.NO_CHANGE);
      assertThat(rp.flip(a, b, "second", Actor.PULL)).isEqualTo(RefUpdate.OK);
      assertThat(v.refs().currentOrNull()).isEqualTo(b);
      assertThat(v.refs().previousOrNull()).isEqualTo(a);
      assertThat(rp.rollback()).isEqualTo(RefUpdate.OK);
      assertThat(v.refs().currentOrNull()).isEqualTo(a);
      assertThat(v.refs().previousOrNull()).isEqualTo(b);
      assertThat(v.refs().history()).extracting(HistoryRecord::to).containsExactly(a, b, a);
      assertThat(v.refs().history()).extracting(HistoryRecord::who)
          .containsExactly(Actor.COMMAND, Actor.PULL, Actor.ROLLBACK);
      assertThat(v.resolver().resolve("a")).isEqualTo(a);
      assertThat(v.resolver().resolve("current")).isEqualTo(a);
      assertThat(v.resolver().resolve("b~1")).isEqualTo(a);
      assertThat(v.resolver().resolve(b.name().substring(0, 10))).isEqualTo(b);
      assertThatThrownBy(() -> v.resolver().resolve("b~2")).isInstanceOf(VersionException.class)
          .hasMessageContaining("has no parent");
    }
  }

  @Test
  void flipToUnknownManifestIsRejected() throws Exception {
    try (Repository repo = TestRepos.init(tmp)) {
      Versions v = Versions.of(repo);
      ObjectId nowhere = ObjectId.fromString("0123456789012345678901234567890123456789");
      assertThat(v.rootPointer().flip(null, nowhere, "x", Actor.COMMAND)).isEqualTo(RefUpdate.REJECTED_MISSING_OBJECT);
      assertThat(v.refs().currentOrNull()).isNull();
      assertThatThrownBy(() -> v.rootPointer().rollback()).isInstanceOf(VersionException.class)
          .hasMessageContaining("no previous version");
    }
  }
}
