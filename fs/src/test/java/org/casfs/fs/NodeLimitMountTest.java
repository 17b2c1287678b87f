package org.casfs.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.casfs.cas.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A walk of more files than the mount keeps nodes for: the kernel is asked to forget the oldest
 * files' names, the node table comes back within its limit (the heap is not filled; without the
 * trimming the kernel, short of no memory, keeps all 3,030), and every file still reads right, twice.
 */
class NodeLimitMountTest {
  @TempDir Path tmp;

  @Test
  void aWalkOfMoreFilesThanTheLimitStaysNearItAndReadsRight() throws Exception {
    Path src = tmp.resolve("src");
    for (int d = 0; d < 30; d++) {
      Path dir = Files.createDirectories(src.resolve("d" + d));
      for (int f = 0; f < 100; f++) {
        Files.writeString(dir.resolve("f" + f), d + "/" + f);
      }
    }
    try (MountedRepo m = new MountedRepo(tmp)) {
      ObjectId v = m.importDir(src);
      m.image = new SnapshotImage(m.snapshot(v), new BlobVerifier(100), m.repo.dir(), m.log::add);
      NodeMount mount = NodeMount.mount(m.image, m.mountPoint, MountOptions.defaults(), 1000, m.log::add);
      m.mount = mount;
      for (int round = 0; round < 2; round++) {
        for (int d = 0; d < 30; d++) {
          for (int f = 0; f < 100; f++) {
            assertThat(Files.readString(m.mountPoint.resolve("d" + d + "/f" + f))).isEqualTo(d + "/" + f);
          }
        }
      }
      long deadline = System.nanoTime() + 30_000_000_000L; // the kernel's FORGETs come when it gets to them
      while (mount.nodesHeld() > 1000 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(mount.nodesHeld()).as("nodes held once the walk is over").isLessThanOrEqualTo(1000);
      assertThat(m.log).isEmpty();
    }
  }
}
