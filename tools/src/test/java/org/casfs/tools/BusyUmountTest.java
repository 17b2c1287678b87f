package org.casfs.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code casfs umount} of a mount a program still uses (a shell left in it, a file held open)
 * fails in one line that names those processes and what they hold, exit 6, and the mount stays;
 * once they are gone, it unmounts. Before, the line ended "wait for the other casfs process or
 * stop it", which no casfs process was.
 */
class BusyUmountTest {
  @TempDir Path tmp;

  @Test
  void aBusyMountNamesTheProcessesThatHoldIt() throws Exception {
    assumeTrue(Files.exists(Path.of("/dev/fuse")), "needs /dev/fuse");
    Path repo = tmp.resolve("repo");
    CliRunner cli = CliRunner.forRepo(repo);
    assertThat(cli.run("init").code()).isZero();
    assertThat(cli.run("import", TestTreeFiles.write(tmp.resolve("src"), 4).toString(), "--switch").code()).isZero();
    Path mnt = Files.createDirectory(tmp.resolve("mnt"));
    ControlSocketMountTest.Mount mount = ControlSocketMountTest.Mount.start(repo, mnt, tmp.resolve("mount.log"));
    Process inside = null;
    try {
      inside = new ProcessBuilder("sleep", "120").directory(mnt.resolve("etc").toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!Files.exists(Path.of("/proc", String.valueOf(inside.pid()), "cwd")) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      CliRunner.Result busy = cli.run("umount", mnt.toString());
      BadInputTest.assertOneLine(busy, 6, "cannot unmount " + mnt, "process " + inside.pid()
          + " (sleep: its working directory)", "close what is open there");
      assertThat(busy.err()).doesNotContain("other casfs process");
      assertThat(Files.readString(mnt.resolve("etc/hostname"))).as("still mounted").isEqualTo("laptop-4\n");

      inside.destroy();
      inside.waitFor(10, TimeUnit.SECONDS);
      CliRunner.Result done = cli.run("umount", mnt.toString());
      assertThat(done.code()).as(done.toString()).isZero();
    } finally {
      if (inside != null) {
        inside.destroyForcibly();
      }
      mount.stop();
    }
  }
}
