package org.casfs.cas.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.casfs.cas.CorruptObjectException;
import org.casfs.cas.Entry;
import org.casfs.cas.MissingObjectException;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.DiskObjectStore;
import org.casfs.cas.store.RepoConfig;
import org.casfs.cas.store.Repository;
import org.casfs.cas.store.Snapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damage done to a real repository behind its back (a flipped bit and a truncation in loose blobs,
 * a flipped byte in a tree inside RocksDB, a deleted loose blob): fsck names each by id and path,
 * and reads refuse them by name without handing out a wrong byte.
 */
class RepositoryCorruptionTest {
  /** The RocksDB key space of inline objects (DiskObjectStore.DATA). */
  private static final String DATA_SPACE = "data";

  @TempDir
  Path tmp;

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  void fsckNamesEveryDamagedObjectByIdAndPathAndReadsRefuseThem() throws Exception {
    Path dir = tmp.resolve("repo");
    ObjectId version;
    Map<String, ObjectId> ids = new TreeMap<>();
    try (Repository repo = Repository.init(dir, RepoConfig.defaults().withInlineThreshold(4096))) {
      Fixture f = new Fixture(repo.objects());
      Entry ls = f.file("ls", random(150_000, 1));
      Entry cat = f.file("cat", random(60_000, 2));
      Entry sh = f.file("sh", random(90_000, 3));
      Entry passwd = f.file("passwd", "root:x:0:0:root:/root:/bin/bash\n");
      Entry etc = f.dir("etc", passwd, f.file("hostname", "laptop\n"));
      version = f.version(f.dir("usr", f.dir("bin", ls, cat), f.dir("lib", sh)), etc);
      ids.put("ls", ls.childId());
      ids.put("cat", cat.childId());
      ids.put("sh", sh.childId());
      ids.put("etc", etc.childId());
      repo.flush();
      assertThat(new Fsck(repo.objects()).roots(List.of(version)).run().problems()).isEmpty();

      DiskObjectStore disk = repo.objects();
      assertThat(disk.isStoredLoose(ids.get("ls"))).isTrue();
      assertThat(disk.isStoredLoose(ids.get("etc"))).isFalse();
      // One bit flipped in a loose blob.
      Path lsFile = disk.loosePath(ids.get("ls"));
      lsFile.toFile().setWritable(true);
      try (RandomAccessFile raf = new RandomAccessFile(lsFile.toFile(), "rw")) {
        raf.seek(77_777);
        int b = raf.read();
        raf.seek(77_777);
        raf.write(b ^ 0x04);
      }
      // A loose blob truncated.
      Path catFile = disk.loosePath(ids.get("cat"));
      catFile.toFile().setWritable(true);
      try (RandomAccessFile raf = new RandomAccessFile(catFile.toFile(), "rw")) {
        raf.setLength(30_000);
      }
      // A loose blob deleted.
      Files.delete(disk.loosePath(ids.get("sh")));
      // One byte flipped inside a tree stored in RocksDB.
      byte[] tree = repo.kv().getOrNull(DATA_SPACE, ids.get("etc").toRaw());
      assertThat(tree).isNotNull();
      tree[tree.length / 2] ^= 0x01;
      repo.kv().batch().put(DATA_SPACE, ids.get("etc").toRaw(), tree).commit(true);
    }

    try (Repository repo = Repository.open(dir)) {
      FsckReport r = new Fsck(repo.objects()).roots(List.of(version)).run();
      assertThat(r.problemCount()).isEqualTo(4);
      assertThat(r.isClean()).isFalse();
      List<String> lines = r.lines();
      assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("blob " + ids.get("ls") + " at /usr/bin/ls: corrupt (hashes to "));
      assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("blob " + ids.get("cat")
          + " at /usr/bin/cat: corrupt (has 30000 bytes where 60000 were recorded, hashes to "));
      assertThat(lines).anySatisfy(l -> assertThat(l).isEqualTo("blob " + ids.get("sh")
          + " at /usr/lib/sh: its bytes are gone (the index names it)"));
      assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("tree " + ids.get("etc") + " at /etc: corrupt (hashes to "));
      assertThat(lines).last().asString().contains("4 problems");

      // Reads refuse, naming the object, and hand out no wrong byte.
      DiskObjectStore store = repo.objects();
      for (String name : List.of("ls", "cat", "etc")) {
        ObjectId id = ids.get(name);
        assertThatThrownBy(() -> store.read(id)).isInstanceOf(CorruptObjectException.class)
            .hasMessageContaining(id.name()).hasMessageContaining("casfs fsck --repair");
      }
      assertThatThrownBy(() -> store.read(ids.get("sh"))).isInstanceOf(MissingObjectException.class)
          .hasMessageContaining(ids.get("sh").name()).hasMessageContaining("missing");
      assertThatThrownBy(() -> store.open(ids.get("sh"))).isInstanceOf(MissingObjectException.class);
      // A streaming reader gets the bytes before the damage at most, never a wrong last byte or a clean end.
      for (String name : List.of("ls", "cat")) {
        ObjectId id = ids.get(name);
        assertThatThrownBy(() -> {
          try (InputStream in = store.open(id)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
          }
        }).isInstanceOf(CorruptObjectException.class).hasMessageContaining(id.name());
      }
      Snapshot snap = Snapshot.open(repo.objectDatabase(), version);
      assertThat(snap.lookup("/usr/bin/ls").childId()).isEqualTo(ids.get("ls"));
      assertThatThrownBy(() -> snap.lookup("/etc/passwd")).isInstanceOf(CorruptObjectException.class)
          .hasMessageContaining(ids.get("etc").name());
    }
  }

  /**
   * A loose object's file the disk cannot read (a bad sector gives EIO; this machine has no
   * device-mapper to make one, so a directory stands in its place: read() fails with EISDIR): fsck
   * names it by id and path and checks the rest, where it ended with "casfs: Input/output error"
   * naming nothing.
   */
  @Test
  void aLooseFileThatCannotBeReadIsNamedAndTheRestIsStillChecked() throws Exception {
    Path dir = tmp.resolve("repo");
    try (Repository repo = Repository.init(dir, RepoConfig.defaults().withInlineThreshold(4096))) {
      Fixture f = new Fixture(repo.objects());
      Entry ls = f.file("ls", random(150_000, 4));
      Entry cat = f.file("cat", random(60_000, 5));
      ObjectId version = f.version(f.dir("bin", ls, cat));
      repo.flush();
      Path lsFile = repo.objects().loosePath(ls.childId());
      Files.delete(lsFile);
      Files.createDirectory(lsFile);
      Path catFile = repo.objects().loosePath(cat.childId());
      catFile.toFile().setWritable(true);
      try (RandomAccessFile raf = new RandomAccessFile(catFile.toFile(), "rw")) {
        raf.setLength(10);
      }

      FsckReport r = new Fsck(repo.objects()).roots(List.of(version)).run();
      assertThat(r.problemCount()).isEqualTo(2);
      assertThat(r.lines()).anySatisfy(l -> assertThat(l).isEqualTo("blob " + ls.childId()
          + " at /bin/ls: unreadable: Is a directory"));
      assertThat(r.lines()).anySatisfy(l -> assertThat(l).startsWith("blob " + cat.childId() + " at /bin/cat: corrupt"));
    }
  }

  @Test
  void aDamagedIndexRecordIsReportedAndTheRestIsStillChecked() throws IOException {
    try (Repository repo = Repository.init(tmp.resolve("repo"), RepoConfig.defaults())) {
      Fixture f = new Fixture(repo.objects());
      ObjectId v = f.version(f.file("a", "a"), f.file("b", "b"));
      ObjectId a = f.blob("a".getBytes()).id();
      ObjectId b = f.blob("b".getBytes()).id();
      repo.flush(); // damage what is stored, not what an unflushed insert holds in memory
      repo.kv().batch().put("index", a.toRaw(), new byte[] {1, 2, 3}).commit(true);
      repo.kv().batch().put(DATA_SPACE, b.toRaw(), "c".getBytes()).commit(true);
      FsckReport r = new Fsck(repo.objects()).roots(List.of(v)).run();
      assertThat(r.lines()).containsExactly(
          "object " + a + " at /a: index record damaged: its index record has 3 bytes; run 'casfs fsck'",
          "blob " + b + " at /b: corrupt (hashes to " + org.casfs.cas.Hashes.of("c".getBytes()).id() + ")",
          r.summary());
      assertThat(r.problemCount()).isEqualTo(2);
    }
  }

  @Test
  void orphanLooseFilesAreListedButAreNoProblem() throws IOException {
    try (Repository repo = Repository.init(tmp.resolve("repo"), RepoConfig.defaults().withInlineThreshold(0))) {
      Fixture f = new Fixture(repo.objects());
      ObjectId v = f.version(f.file("kept", "kept"));
      ObjectId stray = f.blob("stray".getBytes()).id();
      Path strayFile = repo.objects().loosePath(stray);
      repo.flush();
      // Simulate a crash inside gc: index entry gone, file still there.
      repo.kv().batch().delete("index", stray.toRaw()).commit(true);
      FsckReport r = new Fsck(repo.objects()).roots(List.of(v)).run();
      assertThat(r.problems()).isEmpty();
      assertThat(r.orphans()).containsExactly(strayFile);
      assertThat(r.lines()).contains("orphan file " + strayFile + " (no index entry)");
      assertThat(r.summary()).contains("1 orphan files");
    }
  }
}
