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
 * A writable mount whose repository's disk fills up: a program writing through the mount is told
 * "No space left on device" (ENOSPC), as on any disk, not "Input/output error", and the mount
 * does not log each refused write as a fault of its own; what was written before stays, and
 * once there is room again writes go on. On a real tmpfs, with a real program (dd).
 */
class FullDiskMountTest {
  @TempDir Path tmp;

  @Test
  void writesThatDoNotFitFailWithEnospcAndTheMountGoesOn() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("a"), "a");
    try (Tmpfs disk = Tmpfs.mount(tmp.resolve("disk"), "size=24m");
        MountedRepo m = new MountedRepo(disk.dir(), tmp.resolve("mnt"))) {
      m.mountWritable(src, MountOptions.defaults());

      Files.write(m.mountPoint.resolve("before"), new byte[1 << 20]);
      Process dd = new ProcessBuilder("dd", "if=/dev/zero", "of=" + m.mountPoint.resolve("big"), "bs=1M",
          "count=64").redirectErrorStream(true).start();
      assertThat(dd.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String said = new String(dd.getInputStream().readAllBytes());
      assertThat(dd.exitValue()).as(said).isNotZero();
      assertThat(said).contains("No space left on device");
      assertThat(m.log).as("a full disk is the writer's to handle, not a fault of the mount")
          .noneMatch(line -> line.contains("unexpected"));

      Files.delete(m.mountPoint.resolve("big"));
      assertThat(Files.size(m.mountPoint.resolve("before"))).isEqualTo(1 << 20);
      Files.write(m.mountPoint.resolve("after"), new byte[1 << 20]);
      assertThat(Files.size(m.mountPoint.resolve("after"))).isEqualTo(1 << 20);
      ObjectId committed = m.imageMount.transaction().commit("after a full disk").manifest();
      m.unmount();
      org.casfs.cas.store.Snapshot version = m.snapshot(committed);
      assertThat(version.lookup("/before").size()).isEqualTo(1 << 20);
      assertThat(version.lookup("/after").size()).isEqualTo(1 << 20);
      assertThat(version.lookupOrNull("/big")).isNull();
    }
  }
}
