package org.casfs.cas.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.casfs.cas.Name;
import org.casfs.cas.Tree;
import org.casfs.cas.store.RepoConfig;
import org.casfs.cas.store.Repository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Re-importing with the stat cache: unchanged files are not read, unchanged trees keep their ids. */
class ReimportTest {
  private ScratchDir work;

  @BeforeEach
  void setUp() throws Exception {
    work = new ScratchDir("casfs-reimport");
  }

  @AfterEach
  void tearDown() throws Exception {
    work.close();
  }

  @Test
  void unchangedTreeGivesSameRootAndReadsNoFile() throws Exception {
    Path src = work.resolve("src");
    TestTrees.everyCase(src);
    // Files changed within the last second are "racily clean" and never cached.
    Thread.sleep(StatCache.RACY_NANOS / 1_000_000 + 100);
    try (Repository repo = Repository.init(work.resolve("repo"), RepoConfig.defaults())) {
      Importer importer = new Importer(repo.objectDatabase());
      ImportOptions opts = ImportOptions.defaults().withStatCache(repo.kv());
      ImportResult first = importer.importDirectory(src, opts, null);
      assertThat(first.filesRead()).isEqualTo(first.files() - 3); // two hardlinked inodes of 3 and 2 paths
      assertThat(first.newObjects()).isPositive();

      ImportResult second = importer.importDirectory(src, opts, null);
      assertThat(second.root()).isEqualTo(first.root());
      assertThat(second.rootMeta()).isEqualTo(first.rootMeta());
      assertThat(second.filesRead()).isZero();
      assertThat(second.bytesRead()).isZero();
      assertThat(second.newObjects()).isZero();

      // One file changes: only it is read; the untouched subtree keeps its tree id.
      TestTrees.at(src).file("dev/newfile", "new");
      Posix_write(src.resolve("hello.txt"), "changed\n");
      ImportResult third = importer.importDirectory(src, opts, null);
      assertThat(third.filesRead()).isEqualTo(2);
      assertThat(third.root()).isNotEqualTo(first.root());
      Tree before = repo.objectDatabase().readTree(first.root().id());
      Tree after = repo.objectDatabase().readTree(third.root().id());
      assertThat(after.getOrNull(Name.of("links")).child()).isEqualTo(before.getOrNull(Name.of("links")).child());
      assertThat(after.getOrNull(Name.of("dev")).child()).isNotEqualTo(before.getOrNull(Name.of("dev")).child());
      assertThat(after.getOrNull(Name.of("hello.txt")).size()).isEqualTo(8);
    }
  }

  @Test
  void sameTreeGivesSameIdsWithoutCacheAndInAnotherRepository() throws Exception {
    Path src = work.resolve("src");
    TestTrees.everyCase(src);
    ImportResult a;
    ImportResult b;
    try (Repository repo = Repository.init(work.resolve("repo-a"), RepoConfig.defaults())) {
      a = new Importer(repo.objectDatabase()).importDirectory(src, ImportOptions.defaults().withThreads(1), null);
    }
    try (Repository repo = Repository.init(work.resolve("repo-b"), RepoConfig.defaults().withInlineThreshold(0))) {
      b = new Importer(repo.objectDatabase()).importDirectory(src, ImportOptions.defaults().withThreads(4), null);
    }
    assertThat(b.root()).isEqualTo(a.root());
    assertThat(b.newObjects()).isEqualTo(a.newObjects());
  }

  private static void Posix_write(Path file, String content) throws Exception {
    java.nio.file.Files.writeString(file, content);
  }
}
