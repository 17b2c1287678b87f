package org.casfs.cas.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.casfs.cas.posix.Posix;
import org.casfs.cas.store.RepoConfig;
import org.casfs.cas.store.Repository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The sizes of issue 2: a 1 GiB file that is sparse in the source (streamed: files over 4 MiB
 * are never held in memory, the importer holds at most a few MiB per thread), a
 * directory of 100,000 entries and a 200-level deep path.
 */
class LargeTreesRoundTripTest {
  private ScratchDir work;

  @BeforeEach
  void setUp() throws Exception {
    work = new ScratchDir("casfs-large");
  }

  @AfterEach
  void tearDown() throws Exception {
    work.close();
  }

  private ImportResult roundTrip(Path src, Path out) throws Exception {
    try (Repository repo = Repository.init(work.resolve("repo"), RepoConfig.defaults())) {
      ImportResult r = new Importer(repo.objectDatabase()).importDirectory(src, ImportOptions.defaults(), null);
      new Checkout(repo.objectDatabase()).checkout(r.root(), r.rootMeta(), out, null);
      return r;
    }
  }

  @Test
  void oneGibSparseFileStreamsAndStaysSparse() throws Exception {
    Path src = work.resolve("src");
    Path out = work.resolve("out");
    long size = 1L << 30;
    TestTrees.at(src).sparseFile("sparse.img", size, TestTrees.utf8("the end\n")).file("small", "s");
    ImportResult r = roundTrip(src, out);
    assertThat(r.bytes()).isEqualTo(size + 1);
    assertThat(TreeListing.of(out)).isEqualTo(TreeListing.of(src));
    String du = new String(TreeListing.run(out, "du", "-k", "sparse.img")).split("\\s")[0];
    assertThat(Long.parseLong(du)).as("checked-out KiB on disk").isLessThan(1024);
  }

  @Test
  void directoryOfOneHundredThousandEntries() throws Exception {
    Path src = work.resolve("src");
    Path out = work.resolve("out");
    TestTrees t = TestTrees.at(src).dir("big");
    for (int i = 0; i < 100_000; i++) {
      String name = "big/entry-" + i;
      if (i % 10 == 0) {
        t.symlink(name, "entry-" + (i + 1));
      } else {
        t.file(name, Integer.toString(i % 5000));
      }
    }
    ImportResult r = roundTrip(src, out);
    assertThat(r.entries()).isEqualTo(100_001);
    assertThat(r.files()).isEqualTo(90_000);
    assertThat(TestTrees.names(out.resolve("big"))).hasSize(100_000);
    // No xattrs here by construction: the find and sha1sum listings say everything (getfattr over
    // 200,000 paths would only add minutes to CI).
    assertThat(TreeListing.nonDirectories(out)).isEqualTo(TreeListing.nonDirectories(src));
    assertThat(TreeListing.directories(out)).isEqualTo(TreeListing.directories(src));
    assertThat(TreeListing.sha1sums(out)).isEqualTo(TreeListing.sha1sums(src));
  }

  @Test
  void twoHundredLevelDeepPath() throws Exception {
    Path src = work.resolve("src");
    Path out = work.resolve("out");
    TestTrees t = TestTrees.at(src);
    StringBuilder path = new StringBuilder();
    for (int level = 0; level < 200; level++) {
      path.append(level == 0 ? "" : "/").append("level-").append(level);
      t.dir(path.toString()).file(path + "/f", "depth " + level);
    }
    ImportResult r = roundTrip(src, out);
    assertThat(r.entries()).isEqualTo(400);
    byte[] deepest = Posix.join(Posix.bytes(out), TestTrees.utf8(path + "/f"));
    assertThat(Posix.lstat(deepest).size()).isEqualTo("depth 199".length());
    assertThat(TreeListing.of(out)).isEqualTo(TreeListing.of(src));
  }
}
