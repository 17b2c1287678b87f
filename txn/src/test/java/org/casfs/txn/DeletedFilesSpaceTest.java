package org.casfs.txn;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.casfs.cas.ObjectId;
import org.casfs.cas.io.Tmpfs;
import org.casfs.cas.store.Repository;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The space of a file deleted or replaced inside a transaction comes back before the commit, as
 * on any disk: a program that writes temporary files and deletes them (a package manager, a
 * browser's cache) through a writable mount left every one's bytes in the staging directory until
 * the transaction was committed, and filled the disk. The bytes stay until the journal that
 * deletes them is durable (a crash must find them), then go; on a full disk a write makes it so
 * at once.
 */
class DeletedFilesSpaceTest {
  @TempDir Path tmp;

  @Test
  void aDeletedOrReplacedFilesDataGoesOnceTheJournalSaysSoDurably() throws Exception {
    long id;
    try (Repository repo = TestRepos.init(tmp)) {
      Versions v = Versions.of(repo);
      ObjectId base = TestRepos.commit(v, null, "base", "/etc/hosts", "localhost", "/etc/motd", "hello");
      Transaction t = v.transactions().begin(base);
      t.createFile("/tmp-file", 0644, 0, 0);
      t.write("/tmp-file", 0, new byte[100_000]);
      t.write("/etc/hosts", 9, " casfs".getBytes(StandardCharsets.UTF_8)); // a copied-up base file
      t.createFile("/etc/motd.new", 0644, 0, 0);
      t.write("/etc/motd.new", 0, "welcome".getBytes(StandardCharsets.UTF_8));
      t.sync();
      assertThat(dataFiles(t)).isEqualTo(3);

      t.unlink("/tmp-file");
      t.rename("/etc/motd.new", "/etc/motd"); // motd's own bytes are the base blob's: no file
      t.link("/etc/hosts", "/etc/hosts.bak");
      t.unlink("/etc/hosts");
      assertThat(dataFiles(t)).as("kept until the journal is durable").isEqualTo(3);
      t.sync();
      assertThat(dataFiles(t)).as("tmp-file's gone; hosts still has a name").isEqualTo(2);
      t.unlink("/etc/hosts.bak");
      t.sync();
      assertThat(dataFiles(t)).isEqualTo(1);

      assertThat(TestRepos.read(t, "/etc/motd")).isEqualTo("welcome");
      id = t.id();
    }
    try (Repository again = Repository.open(tmp.resolve("repo"))) {
      Transaction resumed = Versions.of(again).transactions().openOrNull();
      assertThat(resumed.id()).isEqualTo(id);
      assertThat(resumed.lookupOrNull("/tmp-file")).isNull();
      assertThat(resumed.lookupOrNull("/etc/hosts")).isNull();
      assertThat(TestRepos.read(resumed, "/etc/motd")).isEqualTo("welcome");
      assertThat(resumed.commit("after").manifest()).isNotNull();
    }
  }

  /** On a disk that only ever holds two of them, a hundred files written and deleted one by one. */
  @Test
  void filesWrittenAndDeletedOverAndOverNeverFillTheDisk() throws Exception {
    try (Tmpfs disk = Tmpfs.mount(tmp.resolve("disk"), "size=24m");
        Repository repo = TestRepos.init(disk.dir())) {
      Versions v = Versions.of(repo);
      ObjectId base = TestRepos.commit(v, null, "base", "/keep", "k");
      Transaction t = v.transactions().begin(base);
      byte[] bytes = new byte[8 << 20];
      new Random(11).nextBytes(bytes);
      for (int i = 0; i < 100; i++) {
        String path = "/scratch-" + i;
        t.createFile(path, 0644, 0, 0);
        t.write(path, 0, bytes);
        t.unlink(path);
      }
      assertThat(TestRepos.read(t, "/keep")).isEqualTo("k");
      t.sync();
      assertThat(dataFiles(t)).isZero();
      t.abort();
    }
  }

  /** A write to a base file too large to copy up on a full disk leaves no partial copy behind. */
  @Test
  void aCopyUpThatDoesNotFitLeavesNothing() throws Exception {
    try (Tmpfs disk = Tmpfs.mount(tmp.resolve("disk"), "size=40m");
        Repository repo = TestRepos.init(disk.dir())) {
      Versions v = Versions.of(repo);
      byte[] big = new byte[16 << 20];
      new Random(5).nextBytes(big);
      Transaction first = v.transactions().begin(null);
      first.createFile("/big", 0644, 0, 0);
      first.write("/big", 0, big);
      ObjectId base = first.commit("base").manifest();
      Path filler = disk.dir().resolve("filler");
      Files.write(filler, new byte[(int) (Files.getFileStore(disk.dir()).getUsableSpace() - (8 << 20))]);

      Transaction t = v.transactions().begin(base);
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> t.write("/big", 0, new byte[] {1}))
          .hasMessageContaining("No space left on device");
      assertThat(dataFiles(t)).as("no partial copy of /big left in staging").isZero();
      assertThat(Files.getFileStore(disk.dir()).getUsableSpace()).isGreaterThan(7 << 20);
      Files.delete(filler);
      t.write("/big", 0, new byte[] {1});
      assertThat(dataFiles(t)).isEqualTo(1);
      t.abort(); // closes its data files, so the test's disk can be unmounted
    }
  }

  private static long dataFiles(Transaction t) throws Exception {
    try (Stream<Path> s = Files.list(t.stagingDir())) {
      return s.filter(Files::isRegularFile).count(); // data files, and copies on their way to becoming one
    }
  }
}
