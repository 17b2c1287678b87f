package org.casfs.cas.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.casfs.cas.Entry;
import org.casfs.cas.Hashes;
import org.casfs.cas.Tree;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.cas.store.RepoConfig;
import org.casfs.cas.store.Repository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What an import leaves out when asked: excluded paths with all they hold, and the contents of
 * other file systems mounted inside the tree (a real tmpfs here), as a live root's /proc and /sys.
 */
class ImportBoundariesTest {
  private ScratchDir work;

  @BeforeEach
  void setUp() throws Exception {
    work = new ScratchDir("casfs-boundaries");
  }

  @AfterEach
  void tearDown() throws Exception {
    work.close();
  }

  /** Every path of the tree, directories ending in '/', in walk order. */
  private static List<String> paths(ObjectDatabase db, Hashes root) throws IOException {
    List<String> out = new ArrayList<>();
    collect(db, db.readTree(root.id()), "", out);
    return out;
  }

  private static void collect(ObjectDatabase db, Tree tree, String prefix, List<String> out) throws IOException {
    for (Entry e : tree.entries()) {
      String path = prefix + e.name();
      if (e.isDirectory()) {
        out.add(path + "/");
        collect(db, db.readTree(e.child().id()), path + "/", out);
      } else {
        out.add(path);
      }
    }
  }

  @Test
  void excludedPathsAndOtherFileSystemsAreLeftOut() throws Exception {
    Path src = work.resolve("src");
    TestTrees.at(src).dir("a").dir("a/skip").dir("b").dir("mnt").file("a/keep", "k").file("a/skip/x", "x")
        .file("b/skip-file", "s").file("b/keep", "kb");
    try (Tmpfs mounted = Tmpfs.mount(src.resolve("mnt"), "size=1m,mode=0750");
        Repository repo = Repository.init(work.resolve("repo"), RepoConfig.defaults())) {
      TestTrees.at(src).file("mnt/on-tmpfs", "t");
      Importer importer = new Importer(repo.objectDatabase());
      ImportResult everything = importer.importDirectory(src, ImportOptions.defaults(), null);
      assertThat(paths(repo.objectDatabase(), everything.root())).containsExactly(
          "a/", "a/keep", "a/skip/", "a/skip/x", "b/", "b/keep", "b/skip-file", "mnt/", "mnt/on-tmpfs");
      assertThat(everything.excluded()).isZero();
      assertThat(everything.mountPoints()).isZero();

      ImportOptions bounded = ImportOptions.defaults().withOneFileSystem(true)
          .withExcluded(List.of(TestTrees.utf8("a/skip"), TestTrees.utf8("b/skip-file")));
      ImportResult left = importer.importDirectory(src, bounded, null);
      assertThat(paths(repo.objectDatabase(), left.root())).containsExactly("a/", "a/keep", "b/", "b/keep", "mnt/");
      assertThat(left.excluded()).isEqualTo(2);
      assertThat(left.mountPoints()).isEqualTo(1);
      assertThat(left.entries()).isEqualTo(5);
      // The mount point keeps what the tree shows there: the mounted file system's root's mode.
      Tree top = repo.objectDatabase().readTree(left.root().id());
      assertThat(top.entries().stream().filter(e -> e.name().toString().equals("mnt")).findFirst().orElseThrow()
          .meta().mode() & 07777).isEqualTo(0750);
    }
  }

  @Test
  void anExcludedPathMustBeRelativeWithoutDotNames() {
    for (String bad : List.of("", "/etc", "a//b", "a/", "../x", "a/./b")) {
      assertThatThrownBy(() -> ImportOptions.defaults().withExcluded(List.of(TestTrees.utf8(bad))))
          .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a relative path");
    }
  }
}
