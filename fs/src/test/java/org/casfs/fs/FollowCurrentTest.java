package org.casfs.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.casfs.cas.ObjectId;
import org.casfs.txn.Actor;
import org.casfs.txn.RefUpdate;
import org.casfs.txn.Versions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A mount follows root pointer flips within a second; a mount pinned with --version does not. */
class FollowCurrentTest {
  @TempDir Path tmp;

  static long msUntil(Path file, String want) throws Exception {
    long start = System.nanoTime();
    while (System.nanoTime() - start < 5_000_000_000L) {
      if (Files.exists(file) && Files.readString(file).equals(want)) {
        return (System.nanoTime() - start) / 1_000_000;
      }
      Thread.sleep(10);
    }
    return -1;
  }

  @Test
  void flipsShowWithinASecondUnlessPinned() throws Exception {
    Path a = Files.createDirectories(tmp.resolve("a/etc"));
    Files.writeString(a.resolve("release"), "one");
    Path b = Files.createDirectories(tmp.resolve("b/etc"));
    Files.writeString(b.resolve("release"), "two");
    try (MountedRepo m = new MountedRepo(tmp)) {
      ObjectId va = m.importDir(tmp.resolve("a"));
      ObjectId vb = m.importDir(tmp.resolve("b"));
      Versions versions = Versions.of(m.repo);
      assertThat(versions.rootPointer().switchTo(va, "test", Actor.COMMAND)).isEqualTo(RefUpdate.OK);
      m.mountImage(versions, null, MountOptions.defaults());
      Path release = m.mountPoint.resolve("etc/release");
      assertThat(Files.readString(release)).isEqualTo("one");
      assertThat(m.imageMount.following()).isTrue();

      assertThat(versions.rootPointer().switchTo(vb, "test", Actor.COMMAND)).isEqualTo(RefUpdate.OK);
      assertThat(msUntil(release, "two")).isBetween(0L, 1000L);
      assertThat(m.imageMount.shown()).isEqualTo(vb);
      assertThat(versions.rootPointer().rollback()).isEqualTo(RefUpdate.OK);
      assertThat(msUntil(release, "one")).isBetween(0L, 1000L);
      m.unmount();

      m.mountImage(versions, vb, MountOptions.defaults());
      assertThat(Files.readString(release)).isEqualTo("two");
      assertThat(m.imageMount.following()).isFalse();
      assertThat(versions.rootPointer().switchTo(vb, "test", Actor.COMMAND)).isEqualTo(RefUpdate.OK);
      assertThat(versions.rootPointer().switchTo(va, "test", Actor.COMMAND)).isEqualTo(RefUpdate.OK);
      Thread.sleep(1500);
      assertThat(Files.readString(release)).isEqualTo("two");
    }
  }
}
