package org.casfs.txn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.casfs.cas.ObjectId;
import org.casfs.cas.io.ImportOptions;
import org.casfs.cas.store.Repository;
import org.casfs.cas.store.Snapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImportsTest {
  @TempDir Path tmp;

  private Path source() throws Exception {
    Path src = tmp.resolve("src");
    Files.createDirectories(src.resolve("etc"));
    Files.writeString(src.resolve("etc/hostname"), "laptop-7\n");
    Files.writeString(src.resolve("README"), "hello\n");
    return src;
  }

  @Test
  void importMakesAVersionOnCurrentWithoutSwitching() throws Exception {
    Path src = source();
    try (Repository repo = TestRepos.init(tmp)) {
      Versions v = Versions.of(repo);
      ObjectId first = TestRepos.commit(v, null, "first", "/old", "x");
      v.rootPointer().flip(null, first, "start", Actor.COMMAND);
      Imports.Outcome o = new Imports(v).run(src, "imported", ImportOptions.defaults(), null);
      assertThat(o.resumed()).isFalse();
      Snapshot s = Snapshot.open(repo.objectDatabase(), o.manifest());
      assertThat(new String(repo.objects().read(s.lookup("/etc/hostname").childId()), StandardCharsets.UTF_8))
          .isEqualTo("laptop-7\n");
      assertThat(s.lookupOrNull("/old")).as("an import replaces the whole tree").isNull();
      assertThat(s.manifest().parent()).isEqualTo(first);
      assertThat(v.refs().currentOrNull()).isEqualTo(first);
      assertThat(v.resolver().resolve("imported")).isEqualTo(o.manifest());
      assertThat(v.transactions().openOrNull()).isNull();
    }
  }

  @Test
  void anInterruptedImportIsResumedByRunningItAgain() throws Exception {
    Path src = source();
    try (Repository repo = TestRepos.init(tmp)) {
      Versions v = Versions.of(repo);
      // what a crash right after the import began leaves: an open transaction naming the source
      v.transactions().begin(null).markImport(src.toAbsolutePath().toString());
    }
    try (Repository repo = Repository.open(tmp.resolve("repo"))) {
      Versions v = Versions.of(repo);
      Imports imports = new Imports(v);
      assertThat(imports.interruptedOrNull()).isEqualTo(src.toAbsolutePath().toString());
      assertThatThrownBy(() -> v.transactions().begin(null)).isInstanceOf(IllegalStateException.class);
      Path other = Files.createDirectories(tmp.resolve("other"));
      assertThatThrownBy(() -> imports.run(other, "", ImportOptions.defaults(), null))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("an import of " + src.toAbsolutePath());
      Imports.Outcome o = imports.run(src, "resumed", ImportOptions.defaults(), null);
      assertThat(o.resumed()).isTrue();
      assertThat(Snapshot.open(repo.objectDatabase(), o.manifest()).lookup("/README").size()).isEqualTo(6);
      assertThat(imports.interruptedOrNull()).isNull();
    }
  }
}
