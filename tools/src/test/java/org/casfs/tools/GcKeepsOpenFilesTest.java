package org.casfs.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A program that opened a file before an update keeps reading that version's bytes after the
 * laptop switched twice and ran {@code casfs gc}, which removed the old version: a real {@code
 * casfs mount} (following {@code current}) holds the file's node, and gc, run inside the mount
 * through its control socket, keeps every blob and tree the kernel's nodes still show. Before,
 * the read after gc failed with EIO (a running program's old library: SIGBUS).
 */
class GcKeepsOpenFilesTest {
  @TempDir Path tmp;

  @Test
  void aFileOpenedBeforeTheUpdateIsStillReadableAfterGcRemovedItsVersion() throws Exception {
    assumeTrue(Files.exists(Path.of("/dev/fuse")), "needs /dev/fuse");
    Path repo = tmp.resolve("repo");
    CliRunner cli = CliRunner.forRepo(repo);
    ok(cli, "init");
    Path config = repo.resolve("config");
    Files.writeString(config, Files.readString(config).replaceAll("(?m)^keep=.*$", "keep=1"));
    Path one = TestTreeFiles.write(tmp.resolve("one"), 1);
    byte[] oneBytes = Files.readAllBytes(one.resolve("bin/big.bin"));
    ok(cli, "import", one.toString(), "--label", "one", "--switch");

    Path mnt = Files.createDirectory(tmp.resolve("mnt"));
    ControlSocketMountTest.Mount mount = ControlSocketMountTest.Mount.start(repo, mnt, tmp.resolve("mount.log"));
    try (FileChannel open = FileChannel.open(mnt.resolve("bin/big.bin"), StandardOpenOption.READ)) {
      // opened, not read: none of its pages are in the kernel's cache
      ok(cli, "import", TestTreeFiles.write(tmp.resolve("two"), 2).toString(), "--label", "two", "--switch");
      ok(cli, "import", TestTreeFiles.write(tmp.resolve("three"), 3).toString(), "--label", "three", "--switch");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!Files.readString(mnt.resolve("etc/hostname")).equals("laptop-3\n")) {
        assertThat(System.nanoTime()).as("the mount follows the switch").isLessThan(deadline);
        Thread.sleep(50);
      }
      CliRunner.Result gc = ok(cli, "gc");
      assertThat(cli.run("show", "one").code()).as("gc removed version one: " + gc.out()).isNotZero();

      ByteBuffer read = ByteBuffer.allocate(oneBytes.length + 1);
      while (open.read(read) > 0) {
        // until the end of the file
      }
      read.flip();
      byte[] got = new byte[read.remaining()];
      read.get(got);
      assertThat(got).as("version one's bytes, read after its version was collected").isEqualTo(oneBytes);
    } finally {
      mount.stop();
    }
    CliRunner.Result fsck = cli.run("fsck");
    assertThat(fsck.code()).as(fsck.toString()).isZero();
  }

  private static CliRunner.Result ok(CliRunner cli, String... args) {
    CliRunner.Result r = cli.run(args);
    assertThat(r.code()).as(String.join(" ", args) + "\n" + r).isZero();
    return r;
  }
}
