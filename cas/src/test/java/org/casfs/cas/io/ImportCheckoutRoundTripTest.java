package org.casfs.cas.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.casfs.cas.Entry;
import org.casfs.cas.EntryType;
import org.casfs.cas.Tree;
import org.casfs.cas.store.RepoConfig;
import org.casfs.cas.store.Repository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Import then checkout of generated trees gives what real programs cannot tell from the source. */
class ImportCheckoutRoundTripTest {
  private ScratchDir work;

  @BeforeEach
  void setUp() throws Exception {
    work = new ScratchDir("casfs-roundtrip");
  }

  @AfterEach
  void tearDown() throws Exception {
    work.close();
  }

  @Test
  void everyFileTypeAndMetadataCaseRoundTrips() throws Exception {
    Path src = work.resolve("src");
    Path out = work.resolve("out");
    TestTrees.everyCase(src);
    ImportResult first;
    ImportResult again;
    try (Repository repo = Repository.init(work.resolve("repo"), RepoConfig.defaults())) {
      first = new Importer(repo.objectDatabase()).importDirectory(src, ImportOptions.defaults(), null);
      new Checkout(repo.objectDatabase()).checkout(first.root(), first.rootMeta(), out, null);
      again = new Importer(repo.objectDatabase()).importDirectory(out, ImportOptions.defaults(), null);

      Tree top = repo.objectDatabase().readTree(first.root().id());
      Entry setuid = top.getOrNull(org.casfs.cas.Name.of("setuid"));
      assertThat(setuid.meta().mode()).isEqualTo(04755);
      Entry fifo = repo.objectDatabase().readTree(top.getOrNull(org.casfs.cas.Name.of("links")).childId())
          .getOrNull(org.casfs.cas.Name.of("fifo1"));
      assertThat(fifo.type()).isEqualTo(EntryType.FIFO);
      assertThat(fifo.nlink()).isEqualTo(2);
      assertThat(fifo.linkGroup()).isNotZero();
    }
    String expected = TreeListing.of(src);
    assertThat(expected).contains("p 644 0 0 0 ", "c 666 0 5 0 ", "b 660 0 0 0 ", "s 755 0 0 0 ",
        "f 4755 0 0 10 ", "f 644 200000 4294967294 1 ", "f 4750 1000 1000 1 ", "security.capability=0x0100000200200000",
        "system.posix_acl_access=", "trusted.on-a-link", "bad\377\376\200", "new\\nline", " 3 links/three");
    assertThat(TreeListing.of(out)).isEqualTo(expected);
    assertThat(again.root()).as("re-importing the checkout gives the same tree ids").isEqualTo(first.root());
    assertThat(again.rootMeta()).isEqualTo(first.rootMeta());
  }

  /**
   * A default ACL on the directory a version is checked out into, or on the parent of a new one,
   * is copied by the kernel onto everything made there: the checkout stops it, and the target ends
   * with the version root's attributes alone (it once gave every file a named user and a mask).
   */
  @Test
  void aDefaultAclWhereTheCheckoutGoesIsNotInherited() throws Exception {
    Path src = work.resolve("src");
    TestTrees.everyCase(src);
    Path parent = java.nio.file.Files.createDirectory(work.resolve("shared"));
    Path existing = java.nio.file.Files.createDirectory(work.resolve("existing"));
    for (Path p : java.util.List.of(parent, existing)) {
      org.casfs.cas.posix.Posix.setXattr(org.casfs.cas.posix.Posix.bytes(p), "system.posix_acl_default",
          TestTrees.aclUserRead(1000));
    }
    org.casfs.cas.posix.Posix.setXattr(org.casfs.cas.posix.Posix.bytes(existing), "user.mine", new byte[] {1});
    try (Repository repo = Repository.init(work.resolve("repo"), RepoConfig.defaults())) {
      ImportResult r = new Importer(repo.objectDatabase()).importDirectory(src, ImportOptions.defaults(), null);
      new Checkout(repo.objectDatabase()).checkout(r.root(), r.rootMeta(), parent.resolve("new"), null);
      new Checkout(repo.objectDatabase()).checkout(r.root(), r.rootMeta(), existing, null);
    }
    String expected = TreeListing.of(src);
    assertThat(TreeListing.of(parent.resolve("new"))).isEqualTo(expected);
    assertThat(TreeListing.of(existing)).isEqualTo(expected);
  }
}
