package org.casfs.cas.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.casfs.cas.store.RepoConfig;
import org.casfs.cas.store.Repository;
import org.casfs.cas.store.WrittenFilePages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A checkout of a whole image leaves a few MiB of its larger files in the page cache, not the
 * image (it would push out what the machine's programs use), holds no descriptor after it, and
 * writes every byte.
 */
class CheckoutPagesTest {
  private ScratchDir work;

  @BeforeEach
  void setUp() throws Exception {
    work = new ScratchDir("casfs-checkout-pages");
  }

  @AfterEach
  void tearDown() throws Exception {
    work.close();
  }

  @Test
  void aCheckoutOf48MiBHoldsAtMostItsBudgetOfThePageCache() throws Exception {
    Path src = work.resolve("src");
    TestTrees tree = TestTrees.at(src).dir("d");
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 48; i++) {
      String name = "d/f" + i;
      tree.randomFile(name, 1 << 20, i);
      names.add(name);
    }
    try (Repository repo = Repository.init(work.resolve("repo"), RepoConfig.defaults())) {
      ImportResult r = new Importer(repo.objectDatabase()).importDirectory(src, ImportOptions.defaults(), null);
      Path out = work.resolve("out");
      long descriptors = openDescriptors();
      new Checkout(repo.objectDatabase()).checkout(r.root(), r.rootMeta(), out, null);
      assertThat(openDescriptors()).as("descriptors held after the checkout").isLessThanOrEqualTo(descriptors);

      List<Path> written = names.stream().map(out::resolve).toList();
      // The budget, and what the disk had not written yet when the last were dropped.
      assertThat(PageCache.residentBytes(written)).as("page cache held by 48 MiB just checked out")
          .isLessThanOrEqualTo(WrittenFilePages.BUDGET + (8 << 20));
      for (String name : names) {
        assertThat(Files.mismatch(src.resolve(name), out.resolve(name))).as(name).isEqualTo(-1);
      }
    }
  }

  private static long openDescriptors() throws Exception {
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }
}
