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
 * An import builds each directory's tree as soon as its files are hashed and lets go of them: it
 * holds the directories it is in the middle of, not the tree, and gives the same ids as when
 * everything waits for the end (one thread, or hard links).
 */
class StreamingTreesTest {
  private static final int TOP = 12;
  private static final int MIDDLE = 12;
  private static final int FILES = 6;

  private ScratchDir work;

  @BeforeEach
  void setUp() throws Exception {
    work = new ScratchDir("casfs-streaming");
  }

  @AfterEach
  void tearDown() throws Exception {
    work.close();
  }

  /** TOP x MIDDLE leaf directories of FILES files each, every file's bytes its own. */
  private static Path wideTree(Path root) throws Exception {
    TestTrees t = TestTrees.at(root);
    for (int i = 0; i < TOP; i++) {
      t.dir("t" + i);
      for (int j = 0; j < MIDDLE; j++) {
        String dir = "t" + i + "/m" + j;
        t.dir(dir);
        for (int k = 0; k < FILES; k++) {
          t.file(dir + "/f" + k, dir + "/" + k);
        }
      }
    }
    return root;
  }

  /** An import with a window of 4 files per thread, so that the tree is wider than the window. */
  private static ImportRun run(Repository repo, Path src, int threads) {
    return new ImportRun(repo.objectDatabase(), Posix.bytes(src.toAbsolutePath()),
        ImportOptions.defaults().withThreads(threads).withStatCache(repo.kv()), ProgressListener.NONE, 4);
  }

  @Test
  void holdsOnlyTheDirectoriesItIsInTheMiddleOf() throws Exception {
    Path src = wideTree(work.resolve("src"));
    try (Repository repo = Repository.init(work.resolve("repo"), RepoConfig.defaults())) {
      ImportRun parallel = run(repo, src, 4);
      ImportResult result = parallel.run();
      assertThat(result.files()).isEqualTo(TOP * MIDDLE * FILES);
      // 157 directories; the walk is 3 deep, and at most 16 files are in flight (4 threads x 4
      // files), each holding its directory and the one above: at most 3 + 2 x 16 wait at once.
      assertThat(parallel.heldDirectoriesPeak()).isBetween(3, 3 + 2 * 16);

      ImportRun serial = run(repo, src, 1);
      assertThat(serial.run().root()).isEqualTo(result.root());
      assertThat(serial.heldDirectoriesPeak()).isBetween(3, 3 + 2 * 4);
    }
  }

  @Test
  void directoriesWithHardLinksWaitForTheWalkAndGiveTheSameIds() throws Exception {
    Path src = wideTree(work.resolve("src"));
    // A hard link between two distant leaves: those leaves, their parents and the root wait.
    TestTrees.at(src).hardlink("t0/m0/f0", "t11/m11/link");
    Path copy = work.resolve("copy");
    assertThat(new ProcessBuilder("cp", "-a", src.toString(), copy.toString()).inheritIO().start().waitFor())
        .isZero();
    try (Repository repo = Repository.init(work.resolve("repo"), RepoConfig.defaults())) {
      ImportRun parallel = run(repo, src, 4);
      ImportResult a = parallel.run();
      assertThat(parallel.heldDirectoriesPeak()).isBetween(5, 5 + 2 * 16);
      ImportResult b = run(repo, copy, 2).run();
      assertThat(b.root()).isEqualTo(a.root());
      assertThat(b.filesRead()).isEqualTo(TOP * MIDDLE * FILES); // one inode, two paths: read once
    }
  }
}
