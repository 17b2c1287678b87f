package org.casfs.cas.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.casfs.cas.store.RepoConfig;
import org.casfs.cas.store.Repository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Round trips of real trees: the JDK this machine runs, and the Debian roots of the corpus
 * ({@code casfs.corpus}, built by make-images.sh): v1, then v2 imported on top in the same
 * repository. The checkout and the source must give identical listings from find, sha1sum and
 * getfattr.
 */
class RealTreesRoundTripTest {
  private ScratchDir work;

  @BeforeEach
  void setUp() throws Exception {
    work = new ScratchDir("casfs-real");
  }

  @AfterEach
  void tearDown() throws Exception {
    work.close();
  }

  static Path corpus() {
    return Path.of(System.getProperty("casfs.corpus", "/var/cache/casfs-corpus"));
  }

  @Test
  void jdkRoundTrips() throws Exception {
    Path jdk = Path.of(System.getProperty("java.home"));
    Path fixed = Path.of("/usr/lib/jvm/java-17-openjdk-amd64");
    if (Files.isDirectory(fixed)) {
      jdk = fixed;
    }
    jdk = jdk.toRealPath();
    Path out = work.resolve("jdk");
    try (Repository repo = Repository.init(work.resolve("repo"), RepoConfig.defaults())) {
      ImportResult r = new Importer(repo.objectDatabase()).importDirectory(jdk, ImportOptions.defaults(), null);
      assertThat(r.files()).isGreaterThan(100);
      new Checkout(repo.objectDatabase()).checkout(r.root(), r.rootMeta(), out, null);
    }
    assertThat(TreeListing.of(out)).isEqualTo(TreeListing.of(jdk));
    byte[] version = TreeListing.run(out, out.resolve("bin/java").toString(), "-version");
    assertThat(version).isNotNull();
  }

  @Test
  void debianV1ThenV2OnTopRoundTrip() throws Exception {
    Path v1 = corpus().resolve("v1");
    Path v2 = corpus().resolve("v2");
    assumeTrue(Files.isDirectory(v1) && Files.isDirectory(v2), "no corpus at " + corpus());
    try (Repository repo = Repository.init(work.resolve("repo"), RepoConfig.defaults())) {
      Importer importer = new Importer(repo.objectDatabase());
      Checkout checkout = new Checkout(repo.objectDatabase());
      ImportOptions opts = ImportOptions.defaults().withStatCache(repo.kv());
      ImportResult r1 = importer.importDirectory(v1, opts, null);
      assertThat(r1.entries()).isGreaterThan(5000);
      ImportResult r2 = importer.importDirectory(v2, opts, null);
      assertThat(r2.root()).isNotEqualTo(r1.root());
      assertThat(r2.reusedObjects()).as("v2 shares most objects with v1").isGreaterThan(r2.newObjects());
      checkout.checkout(r1.root(), r1.rootMeta(), work.resolve("v1"), null);
      checkout.checkout(r2.root(), r2.rootMeta(), work.resolve("v2"), null);
    }
    String v1Listing = TreeListing.of(v1);
    assertThat(v1Listing).contains("f 4755 0 0 ", " usr/bin/passwd\n", "l 777 0 0 ");
    assertThat(TreeListing.of(work.resolve("v1"))).isEqualTo(v1Listing);
    assertThat(TreeListing.of(work.resolve("v2"))).isEqualTo(TreeListing.of(v2));
  }
}
