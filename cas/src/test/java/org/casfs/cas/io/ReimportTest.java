package org.casfs.cas.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.casfs.cas.Name;
import org.casfs.cas.Tree;
import org.casfs.cas.store.CountingStore;
import org.casfs.cas.store.ObjectDatabase;
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
    Thread.sleep(RacyFiles.WINDOW_NANOS / 1_000_000 + 100);
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

  @Test
  void aCopyInAnotherDirectoryIsFoundByTheSha256OfEachFileAndAddsNothing() throws Exception {
    Path src = work.resolve("src");
    int large = BlobImporter.SMALL + 4321; // streamed, not read into memory
    TestTrees.at(src).dir("d").file("a", "alpha").file("d/b", "beta").file("d/a-again", "alpha")
        .randomFile("big", large, 7).randomFile("d/big-too", large, 7).randomFile("d/big-other", large, 8);
    Path copy = work.resolve("copy");
    assertThat(new ProcessBuilder("cp", "-a", src.toString(), copy.toString()).inheritIO().start().waitFor()).isZero();
    try (Repository repo = Repository.init(work.resolve("repo"), RepoConfig.defaults())) {
      CountingStore counting = new CountingStore(repo.objects());
      Importer importer = new Importer(new ObjectDatabase(counting, 1 << 20));
      ImportResult first = importer.importDirectory(src, ImportOptions.defaults(), null);
      assertThat(first.newObjects()).isEqualTo(4 + 2); // a, b, big, big-other; two trees
      int duplicatesFound = counting.foundBySha256(); // a-again, big-too: when their twin came first
      assertThat(duplicatesFound).isBetween(0, 2);
      repo.objects().flush();

      ImportResult second = importer.importDirectory(copy, ImportOptions.defaults(), null);
      assertThat(second.root()).isEqualTo(first.root());
      assertThat(second.filesRead()).isEqualTo(6);
      assertThat(second.newObjects()).isZero();
      assertThat(counting.foundBySha256() - duplicatesFound).isEqualTo(6); // every file, small and large
    }
  }

  @Test
  void theCacheForgetsWhatIsNoLongerARegularFileUnderTheRootAndNothingElse() throws Exception {
    Path src = work.resolve("src");
    Path other = work.resolve("src-other"); // shares "src" as a string prefix, not as a directory
    TestTrees.at(src).dir("a").dir("b").dir("d").file("a/keep", "k").file("a/gone", "g")
        .file("b/now-a-dir", "x").file("c", "c").file("d/now-a-link", "l");
    TestTrees.at(other).file("x", "x");
    Thread.sleep(RacyFiles.WINDOW_NANOS / 1_000_000 + 100);
    try (Repository repo = Repository.init(work.resolve("repo"), RepoConfig.defaults())) {
      Importer importer = new Importer(repo.objectDatabase());
      ImportOptions opts = ImportOptions.defaults().withStatCache(repo.kv());
      importer.importDirectory(src, opts, null);
      importer.importDirectory(other, opts, null);
      assertThat(cachedPaths(repo)).containsExactlyInAnyOrder(
          src + "/a/gone", src + "/a/keep", src + "/b/now-a-dir", src + "/c", src + "/d/now-a-link", other + "/x");

      Files.delete(src.resolve("a/gone"));
      Files.delete(src.resolve("b/now-a-dir"));
      TestTrees.at(src).dir("b/now-a-dir").file("b/now-a-dir/f", "f");
      Files.delete(src.resolve("d/now-a-link"));
      TestTrees.at(src).symlink("d/now-a-link", "../c");
      Thread.sleep(RacyFiles.WINDOW_NANOS / 1_000_000 + 100);
      ImportResult again = importer.importDirectory(src, opts, null);
      assertThat(again.filesRead()).isEqualTo(1); // b/now-a-dir/f; the rest the cache vouched for
      assertThat(cachedPaths(repo)).containsExactlyInAnyOrder(
          src + "/a/keep", src + "/b/now-a-dir/f", src + "/c", other + "/x");
    }
  }

  private static List<String> cachedPaths(Repository repo) throws Exception {
    List<String> paths = new ArrayList<>();
    repo.kv().scan(ImportOptions.STAT_CACHE_SPACE, new byte[0], (key, value) -> {
      paths.add(new String(key, StandardCharsets.UTF_8));
      return true;
    });
    return paths;
  }

  private static void Posix_write(Path file, String content) throws Exception {
    java.nio.file.Files.writeString(file, content);
  }
}
