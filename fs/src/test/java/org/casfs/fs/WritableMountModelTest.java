package org.casfs.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import org.casfs.cas.ObjectId;
import org.casfs.cas.io.Checkout;
import org.casfs.txn.CommitResult;
import org.casfs.txn.Transaction;
import org.casfs.txn.Versions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writable mount against the kernel's own file system, as a model: seeded random operations
 * (write, write at an offset past the end, append, truncate longer and shorter, mkdir, rmdir,
 * unlink, rename over files and directories, symlink, hard link, chmod, user xattrs: {@link
 * TreeOperation}) go to a directory on local disk and to the same paths under a writable mount of
 * that directory's first version. Each operation must succeed on both or fail on both the same way (the same exception
 * and reason, that is the same errno), and every few operations, after a remount, and in the
 * checkout of the committed version, the two trees must hold the same names, types, permission
 * bits, owners, sizes, bytes, link targets, hard-link counts and xattrs. The seed is printed on
 * failure.
 */
class WritableMountModelTest {
  private static final long SEED = Long.getLong("casfs.seed", System.nanoTime());
  private static final int OPERATIONS = 400;

  @TempDir Path tmp;

  @Test
  @Timeout(300)
  void randomOperationsLeaveTheMountAndItsCommitAsTheyLeaveALocalDirectory() throws Exception {
    Random r = new Random(SEED);
    Path model = TreeOperation.firstTree(tmp.resolve("model"), r);
    try (MountedRepo m = new MountedRepo(tmp)) {
      ObjectId base = m.importDir(model);
      Versions versions = Versions.of(m.repo);
      // No attribute caching in the kernel: with libfuse's high-level API each name of a hard-linked
      // file is its own kernel inode, so for up to cacheSeconds one name shows the size and link
      // count from before a change made through another (fs/README.md); this test is about casfs.
      MountOptions rw = MountOptions.defaults().withWritable(true).withCacheSeconds(0);
      m.mountImage(versions, base, rw);
      for (int i = 0; i < OPERATIONS; i++) {
        String op = apply(r, model, m.mountPoint, i);
        if (i % 50 == 49) {
          assertSameTrees(model, m.mountPoint, "after operation " + i + " (" + op + ")");
        }
      }
      m.unmount();
      m.mountImage(versions, null, rw); // the transaction outlives the mount
      assertSameTrees(model, m.mountPoint, "after a remount");
      m.unmount();

      Transaction txn = versions.transactions().openOrNull();
      CommitResult done = txn.commit("random operations");
      Path out = tmp.resolve("checkout");
      new Checkout(m.repo.objectDatabase()).checkout(m.snapshot(done.manifest()), out, null);
      assertSameTrees(model, out, "in the checkout of the commit");
    }
  }

  /** One random operation on both trees; returns what it was. */
  private static String apply(Random r, Path model, Path mount, int i) {
    TreeOperation op = TreeOperation.random(r);
    String onModel = op.outcome(model);
    String onMount = op.outcome(mount);
    assertThat(onMount).as("seed " + SEED + ", operation " + i + ": " + op).isEqualTo(onModel);
    return op.toString();
  }

  private static void assertSameTrees(Path model, Path actual, String when) throws IOException {
    assertThat(TreeState.describe(actual)).as("seed " + SEED + ", " + when).isEqualTo(TreeState.describe(model));
  }
}
