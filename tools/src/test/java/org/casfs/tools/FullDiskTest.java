package org.casfs.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.casfs.cas.io.Tmpfs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A repository whose disk fills up, as a laptop's does when something else fills it: every
 * command still opens the repository (RocksDB's usual recovery would first write what its log
 * holds into a table the disk has no room for), a write that does not fit fails with one line
 * saying that the disk is full and what to do, and nothing is lost. On a real tmpfs.
 */
class FullDiskTest {
  private static final long SEED = 20261130L;

  @TempDir Path tmp;

  @Test
  void aRepositoryOnAFullDiskStillOpensAndAnImportThatDoesNotFitSaysWhatToDo() throws Exception {
    try (Tmpfs disk = Tmpfs.mount(tmp.resolve("disk"), "size=48m")) {
      Path repo = disk.dir().resolve("repo");
      CliRunner cli = CliRunner.forRepo(repo);
      assertThat(cli.run("init").code()).isZero();
      // Small files live in the database: ~6 MB that its write-ahead log holds until a table is written.
      Path v1 = smallFiles(tmp.resolve("v1"), 1200, new Random(SEED));
      CliRunner.Result imported = cli.run("import", v1.toString(), "--label", "v1", "--switch");
      assertThat(imported.code()).as(imported.toString()).isZero();
      String v1Id = imported.out().lines().filter(l -> l.startsWith("version ")).findFirst().orElseThrow()
          .split(" ")[1];

      // Filled before any other command opens the repository (an open with room writes the table).
      Path filler = disk.dir().resolve("filler");
      fillLeaving(filler, 256 * 1024);

      CliRunner.Result log = cli.run("log");
      assertThat(log.code()).as(log.toString()).isZero();
      assertThat(log.out()).contains(v1Id);
      CliRunner.Result fsck = cli.run("fsck");
      assertThat(fsck.code()).as(fsck.toString()).isZero();
      CliRunner.Result cat = cli.run("cat", "v1", "d7/f0007");
      assertThat(cat.code()).as(cat.toString()).isZero();
      assertThat(cat.stdout()).isEqualTo(Files.readAllBytes(v1.resolve("d7/f0007")));

      Path v2 = smallFiles(tmp.resolve("v2"), 1200, new Random(SEED + 1));
      BadInputTest.assertOneLine(cli.run("import", v2.toString(), "--label", "v2", "--switch"), 5,
          "the disk is full", "casfs gc");
      CliRunner.Result all = cli.run("log", "--all");
      assertThat(all.code()).as(all.toString()).isZero();
      assertThat(all.out().lines()).hasSize(1).first().asString().startsWith(v1Id);
      assertThat(cli.run("fsck").code()).isZero();

      // A disk with no byte left (too small to have kept room for this): RocksDB cannot open it for
      // writing at all, so commands open it for reading; a change says what to do instead.
      Path last = disk.dir().resolve("last-bytes");
      fillLeaving(last, 0);
      assertThat(repo.resolve("reserve")).doesNotExist();
      assertThat(cli.run("status").out()).contains("reserve none (made once the disk has room)");
      CliRunner.Result readOnly = cli.run("log");
      assertThat(readOnly.code()).as(readOnly.toString()).isZero();
      assertThat(readOnly.out()).contains(v1Id);
      assertThat(readOnly.err()).isEmpty();
      String before = RepoFingerprint.of(repo);
      BadInputTest.assertOneLine(cli.run("import", v2.toString()), 5, "its disk being full", "by other means");
      BadInputTest.assertOneLine(cli.run("gc"), 5, "its disk being full", "by other means");
      assertThat(RepoFingerprint.of(repo)).isEqualTo(before);
      Files.delete(last);

      Files.delete(filler);
      CliRunner.Result again = cli.run("import", v2.toString(), "--label", "v2", "--switch");
      assertThat(again.code()).as(again.toString()).isZero();
      assertThat(cli.run("fsck").code()).isZero();
      try (var logs = Files.list(repo.resolve("db"))) {
        assertThat(logs.filter(p -> p.toString().endsWith(".log")).count())
            .as("write-ahead logs kept once the disk has room again").isLessThanOrEqualTo(2);
      }
    }
  }

  /**
   * A laptop whose disk something else filled to the last byte, with the room its repository keeps
   * for this: commands still read it; its mount (the laptop's root filesystem at boot) opens with
   * that room and serves the version; a gc through the mount frees space; and once there is room
   * again the repository keeps it again. Nothing is lost.
   */
  @Test
  void atZeroBytesFreeTheMountOpensWithTheRoomKeptForItAndGcFreesSpace() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of("/dev/fuse")), "needs /dev/fuse");
    try (Tmpfs disk = Tmpfs.mount(tmp.resolve("disk"), "size=160m")) {
      Path repo = disk.dir().resolve("repo");
      CliRunner cli = CliRunner.forRepo(repo);
      assertThat(cli.run("init").code()).isZero();
      Path reserve = repo.resolve("reserve");
      assertThat(Files.size(reserve)).as("the room kept for a full disk").isEqualTo(32L << 20);
      Files.writeString(repo.resolve("config"), Files.readString(repo.resolve("config")).replace("keep=3", "keep=1"));
      Random random = new Random(SEED + 2);
      for (String v : new String[] {"v1", "v2", "v3"}) {
        Path tree = largeFiles(tmp.resolve(v), v, random);
        CliRunner.Result imported = cli.run("import", tree.toString(), "--label", v, "--switch");
        assertThat(imported.code()).as(imported.toString()).isZero();
      }
      Path filler = disk.dir().resolve("filler");
      fillLeaving(filler, 0);

      CliRunner.Result log = cli.run("log");
      assertThat(log.code()).as(log.toString()).isZero();
      assertThat(log.out()).contains("v3", "v2", "v1");
      assertThat(cli.run("status").out()).contains("reserve 32.0 MiB (kept for a full disk); the disk is full: open"
          + " for reading only");
      BadInputTest.assertOneLine(cli.run("import", tmp.resolve("v1").toString()), 5, "its disk being full");

      Path mnt = Files.createDirectory(tmp.resolve("mnt"));
      Path mountLog = tmp.resolve("mount.log");
      ControlSocketMountTest.Mount mount = ControlSocketMountTest.Mount.start(repo, mnt, mountLog);
      try {
        assertThat(Files.readString(mnt.resolve("etc/hostname"))).isEqualTo("v3\n");
        assertThat(Files.readString(mountLog)).contains("is full: opened it with the room it keeps for this");
        assertThat(reserve).doesNotExist();
        CliRunner.Result gc = cli.run("gc"); // through the mount's control socket
        assertThat(gc.code()).as(gc.toString()).isZero();
        assertThat(gc.out()).contains("removed version");
      } finally {
        mount.stop();
      }
      Files.delete(filler);
      CliRunner.Result after = cli.run("log");
      assertThat(after.code()).as(after + Files.readString(mountLog)).isZero();
      assertThat(Files.size(reserve)).as("kept again once there is room").isEqualTo(32L << 20);
      assertThat(cli.run("fsck").code()).isZero();
      assertThat(cli.run("cat", "v3", "d/f3").stdout()).isEqualTo(Files.readAllBytes(tmp.resolve("v3/d/f3")));
    }
  }

  /** etc/hostname naming the version, and four files of 4 MiB of random bytes (stored as loose files). */
  private static Path largeFiles(Path dir, String version, Random random) throws IOException {
    Files.createDirectories(dir.resolve("etc"));
    Files.writeString(dir.resolve("etc/hostname"), version + "\n");
    Files.createDirectories(dir.resolve("d"));
    for (int i = 0; i < 4; i++) {
      byte[] bytes = new byte[4 << 20];
      random.nextBytes(bytes);
      Files.write(dir.resolve("d/f" + i), bytes);
    }
    return dir;
  }

  /** {@code count} files of 1-9 KB of random bytes (nothing a table could compress), 100 to a directory. */
  private static Path smallFiles(Path dir, int count, Random random) throws IOException {
    for (int i = 0; i < count; i++) {
      Path d = Files.createDirectories(dir.resolve("d" + i / 100));
      byte[] bytes = new byte[1024 + random.nextInt(8 * 1024)];
      random.nextBytes(bytes);
      Files.write(d.resolve(String.format("f%04d", i % 100)), bytes);
    }
    return dir;
  }

  /** Writes {@code file} until its disk has about {@code leave} bytes free (none: until it is full). */
  static void fillLeaving(Path file, long leave) throws IOException {
    long toWrite = Files.getFileStore(file.getParent()).getUsableSpace() - leave;
    byte[] chunk = new byte[64 * 1024];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long written = 0; written < toWrite; written += chunk.length) {
        out.write(chunk, 0, (int) Math.min(chunk.length, toWrite - written));
      }
      if (leave == 0) {
        try {
          while (true) {
            out.write(chunk, 0, 4096); // the last blocks, to the byte
            out.flush();
          }
        } catch (IOException full) {
          // the disk is full
        }
      }
    } catch (IOException full) {
      if (leave != 0) {
        throw full;
      }
    }
    assertThat(Files.getFileStore(file.getParent()).getUsableSpace()).isLessThan(leave + chunk.length);
  }
}
