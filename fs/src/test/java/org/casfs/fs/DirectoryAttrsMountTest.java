package org.casfs.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.Snapshot;
import org.casfs.txn.Versions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Directory attributes through a writable mount as on ext4 or tmpfs: a directory's link count is
 * 2 plus its subdirectories (it was always 2), and in a setgid directory new files, directories
 * and symlinks take the directory's group and new directories the setgid bit (they took the
 * caller's group), also in the committed version.
 */
class DirectoryAttrsMountTest {
  @TempDir Path tmp;

  private static int attr(Path p, String name) throws Exception {
    return ((Number) Files.getAttribute(p, "unix:" + name, LinkOption.NOFOLLOW_LINKS)).intValue();
  }

  @Test
  void linkCountsCountSubdirectoriesAndSetgidDirectoriesAreInherited() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src/base/one"));
    Files.createDirectories(tmp.resolve("src/base/two"));
    Files.writeString(tmp.resolve("src/base/file"), "f");
    try (MountedRepo m = new MountedRepo(tmp)) {
      ObjectId base = m.importDir(tmp.resolve("src"));
      m.mountImage(Versions.of(m.repo), base, MountOptions.defaults().withWritable(true).withCacheSeconds(0));
      Path mnt = m.mountPoint;
      assertThat(attr(mnt.resolve("base"), "nlink")).as("an unchanged directory").isEqualTo(4);
      Files.createDirectories(mnt.resolve("base/three"));
      assertThat(attr(mnt.resolve("base"), "nlink")).isEqualTo(5);
      Files.delete(mnt.resolve("base/one"));
      assertThat(attr(mnt.resolve("base"), "nlink")).isEqualTo(4);
      assertThat(attr(mnt.resolve("base/two"), "nlink")).isEqualTo(2);

      Path shared = Files.createDirectories(mnt.resolve("shared"));
      assertThat(XattrFeaturesMountTest.run("chown", ":50", shared.toString()).code()).isZero();
      assertThat(XattrFeaturesMountTest.run("chmod", "2775", shared.toString()).code()).isZero();
      Files.writeString(shared.resolve("file"), "x");
      Files.createDirectories(shared.resolve("sub"));
      Files.createSymbolicLink(shared.resolve("link"), Path.of("file"));
      assertThat(attr(shared.resolve("file"), "gid")).isEqualTo(50);
      assertThat(attr(shared.resolve("link"), "gid")).isEqualTo(50);
      assertThat(attr(shared.resolve("sub"), "gid")).isEqualTo(50);
      assertThat(attr(shared.resolve("sub"), "mode") & 07777).isEqualTo(02755);
      assertThat(attr(shared.resolve("file"), "mode") & 02000).isZero();

      ObjectId committed = m.imageMount.transaction().commit("dirs").manifest();
      m.unmount();
      Snapshot v = m.snapshot(committed);
      assertThat(v.lookup("/shared/sub").meta().gid()).isEqualTo(50);
      assertThat(v.lookup("/shared/sub").meta().mode()).isEqualTo(02755);
      assertThat(v.lookup("/shared/file").meta().gid()).isEqualTo(50);
    }
  }
}
