package org.casfs.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.casfs.cas.io.Tmpfs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A repository on a filesystem mounted read-only (a laptop's disk the kernel remounted so after
 * errors, a write-protected medium): everything that reads works (log, ls, cat, diff, status,
 * fsck, checkout, a FUSE mount, with commands run beside the mount), everything that would change
 * it says in one line that the filesystem is read-only and what to do, and nothing changes. On a
 * real tmpfs, remounted read-only.
 */
class ReadOnlyRepositoryTest {
  @TempDir Path tmp;

  @Test
  void aRepositoryOnAReadOnlyFilesystemCanBeReadCheckedOutAndMountedButNotChanged() throws Exception {
    try (Tmpfs disk = Tmpfs.mount(tmp.resolve("disk"), "size=64m")) {
      Path repo = disk.dir().resolve("repo");
      CliRunner cli = CliRunner.forRepo(repo);
      ok(cli.run("init"));
      Path v1 = TestTreeFiles.write(tmp.resolve("v1"), 1);
      Path v2 = TestTreeFiles.write(tmp.resolve("v2"), 2);
      ok(cli.run("import", v1.toString(), "--label", "v1", "--switch"));
      ok(cli.run("import", v2.toString(), "--label", "v2"));
      // Damage noted before the kernel remounted the disk read-only (as it does after errors): the
      // mount below cannot salvage there, and must come up all the same (a laptop must boot).
      Files.writeString(repo.resolve("db-damaged"), "2026-11-30T00:00:00Z Corruption: a block, noted by a test\n");
      String before = RepoFingerprint.of(repo);

      disk.remount("ro");
      try {
        assertThat(ok(cli.run("log")).out()).contains("v1", "v2");
        assertThat(ok(cli.run("ls", "v2", "etc")).out()).contains("hostname");
        assertThat(ok(cli.run("cat", "v2", "bin/big.bin")).stdout()).isEqualTo(Files.readAllBytes(v2.resolve("bin/big.bin")));
        assertThat(ok(cli.run("diff", "v1", "v2")).out()).contains("etc/hostname");
        assertThat(ok(cli.run("status")).out()).contains("current:");
        assertThat(ok(cli.run("fsck")).out()).contains("no problems");
        Path out = tmp.resolve("checkout");
        ok(cli.run("checkout", "v2", out.toString()));
        assertThat(RepoFingerprint.sha1(out.resolve("bin/big.bin"))).isEqualTo(RepoFingerprint.sha1(v2.resolve("bin/big.bin")));

        BadInputTest.assertOneLine(cli.run("import", v2.toString(), "--label", "v3"), 5,
            "mounted read-only", "remount it read-write");
        BadInputTest.assertOneLine(cli.run("switch", "v2"), 5, "mounted read-only", "remount it read-write");
        BadInputTest.assertOneLine(cli.run("gc"), 5, "mounted read-only");

        mountAndReadBesideIt(repo, cli, v1);
      } finally {
        disk.remount("rw");
      }
      assertThat(RepoFingerprint.of(repo)).as("the repository is as it was").isEqualTo(before);
      ok(cli.run("switch", "v2")); // and read-write again, it changes
    }
  }

  /** A read-only FUSE mount of the repository in another process, and commands that read beside it. */
  private void mountAndReadBesideIt(Path repo, CliRunner cli, Path v1) throws Exception {
    Path mnt = Files.createDirectories(tmp.resolve("mnt"));
    Path log = tmp.resolve("mount.log");
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("user.dir"), "casfs").toString(), "mount",
        mnt.toString(), "--repo", repo.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    pb.environment().put("CASFS_CLASSPATH", System.getProperty("java.class.path"));
    pb.environment().remove("JAVA_OPTS");
    Process mount = pb.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (Files.readString(log).lines().noneMatch(l -> l.startsWith("mounted "))) {
        assertThat(mount.isAlive()).as("casfs mount runs: " + Files.readString(log)).isTrue();
        assertThat(System.nanoTime()).as("casfs mount came up in time").isLessThan(deadline);
        Thread.sleep(50);
      }
      assertThat(Files.readString(mnt.resolve("etc/hostname"))).isEqualTo(Files.readString(v1.resolve("etc/hostname")));
      assertThat(ok(cli.run("log")).out()).as("a command reads beside the mount").contains("v2");
      assertThat(Files.readString(log)).doesNotContain("warning").contains("could not salvage it", "read-only");
    } finally {
      ok(cli.run("umount", mnt.toString()));
      if (!mount.waitFor(30, TimeUnit.SECONDS)) {
        mount.destroyForcibly().waitFor();
      }
    }
  }

  private static CliRunner.Result ok(CliRunner.Result r) {
    assertThat(r.code()).as(r.toString()).isZero();
    return r;
  }
}
