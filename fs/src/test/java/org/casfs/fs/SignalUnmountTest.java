package org.casfs.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.casfs.cas.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A mount process ended by SIGTERM unmounts; one killed by SIGKILL is cleaned up by the next mount. */
class SignalUnmountTest {
  @TempDir Path tmp;

  private Process startChild(Path src, Path repoDir, Path mnt) throws Exception {
    return ChildJvm.startAndAwait(ChildJvm.of(ChildMount.class, src.toString(), repoDir.toString(), mnt.toString()),
        "MOUNTED");
  }

  @Test
  void sigtermUnmountsCleanlyAndSigkillLeavesAMountTheNextMountCleans() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("hello"), "hello\n");
    Path mnt = tmp.resolve("mnt");
    Process term = startChild(src, Files.createDirectories(tmp.resolve("c1")), mnt);
    try {
      assertThat(Files.readString(mnt.resolve("hello"))).isEqualTo("hello\n");
      term.destroy(); // SIGTERM
      assertThat(term.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(MountTable.isMounted(mnt)).isFalse();
    } finally {
      term.destroyForcibly();
    }

    Process kill = startChild(src, Files.createDirectories(tmp.resolve("c2")), mnt);
    try (MountedRepo m = new MountedRepo(Files.createDirectories(tmp.resolve("c3")), mnt)) {
      kill.destroyForcibly().waitFor(); // SIGKILL: nobody unmounts
      assertThat(MountTable.isStale(mnt)).isTrue();
      m.mount(m.importDir(src), MountOptions.defaults());
      assertThat(Files.readString(mnt.resolve("hello"))).isEqualTo("hello\n");
      assertThat(m.log).anySatisfy(l -> assertThat(l).contains("stale mount at " + mnt));
    } finally {
      if (MountTable.isMounted(mnt)) {
        MountTable.fusermountUnmount(mnt, true);
      }
    }
  }
}
