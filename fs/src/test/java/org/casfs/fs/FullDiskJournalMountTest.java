package org.casfs.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.casfs.cas.ObjectId;
import org.casfs.cas.io.Tmpfs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A change whose journal record does not fit on a full disk (a large xattr) fails with ENOSPC and
 * changes nothing: the mount goes on reading (files, listings, attributes). Before, the first such
 * failure made the transaction refuse every later call, reads included, until the repository was
 * reopened. A change that takes room is refused while the repository's disk has less than a
 * MiB free, so the unlink that frees it still gets its journal record written (RocksDB stops
 * writing after a failed log write, fs/README.md).
 */
class FullDiskJournalMountTest {
  @TempDir Path tmp;

  @Test
  void aJournalWriteThatDoesNotFitChangesNothingAndReadsGoOn() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("a"), "a\n");
    try (Tmpfs disk = Tmpfs.mount(tmp.resolve("disk"), "size=24m");
        MountedRepo m = new MountedRepo(disk.dir(), tmp.resolve("mnt"))) {
      m.mountWritable(src, MountOptions.defaults());
      Path mnt = m.mountPoint;

      Process dd = new ProcessBuilder("dd", "if=/dev/zero", "of=" + mnt.resolve("big"), "bs=1M", "count=64")
          .redirectErrorStream(true).start();
      dd.getInputStream().readAllBytes();
      assertThat(dd.waitFor(60, TimeUnit.SECONDS)).isTrue();
      // Whatever room dd left, fill it up to the last byte.
      for (int i = 0; i < 64; i++) {
        Process more = new ProcessBuilder("dd", "if=/dev/zero", "of=" + mnt.resolve("fill" + i), "bs=4k",
            "count=1024").redirectErrorStream(true).start();
        more.getInputStream().readAllBytes();
        more.waitFor(60, TimeUnit.SECONDS);
        if (more.exitValue() != 0) {
          break;
        }
      }

      String value = "x".repeat(60_000);
      XattrFeaturesMountTest.Run set = null;
      int failedAt = 0;
      for (; failedAt < 20; failedAt++) {
        set = XattrFeaturesMountTest.run("setfattr", "-n", "user.big" + failedAt, "-v", value,
            mnt.resolve("a").toString());
        if (set.code() != 0) {
          break;
        }
      }
      assertThat(set.out()).contains("No space left on device");

      assertThat(Files.readString(mnt.resolve("a"))).as("reads go on").isEqualTo("a\n");
      assertThat(Files.size(mnt.resolve("big"))).isPositive();
      try (var names = Files.list(mnt)) {
        assertThat(names.map(p -> p.getFileName().toString()).toList()).contains("a", "big");
      }
      XattrFeaturesMountTest.Run get = XattrFeaturesMountTest.getfattr("-d", mnt.resolve("a").toString());
      assertThat(get.code()).as(get.out()).isZero();
      assertThat(m.log).noneMatch(line -> line.contains("unexpected"));
      // What the journal holds is what the mount showed: nothing of the refused change.
      org.casfs.txn.Transaction t = m.imageMount.transaction();
      assertThat(t.getxattrOrNull("/a", "user.big" + failedAt)).isNull();

      // The room the journal keeps (JournalRoom): the rm that frees the disk is written, and changes
      // go on after it. Before, RocksDB had failed a log write and refused every change, rm too,
      // until the mount was restarted.
      Files.delete(mnt.resolve("big"));
      Files.writeString(mnt.resolve("after"), "after\n");
      assertThat(XattrFeaturesMountTest.run("setfattr", "-n", "user.small", "-v", "s", mnt.resolve("a").toString())
          .code()).isZero();
      ObjectId committed = m.imageMount.transaction().commit("after a full disk").manifest();
      assertThat(m.snapshot(committed).lookupOrNull("/big")).isNull();
      assertThat(m.snapshot(committed).lookup("/after").size()).isEqualTo(6);
    }
  }
}
