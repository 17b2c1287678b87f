package org.casfs.txn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.casfs.cas.Entry;
import org.casfs.cas.EntryType;
import org.casfs.cas.InodeNumbers;
import org.casfs.cas.Name;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.Repository;
import org.casfs.cas.store.Snapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransactionTest {
  @TempDir Path tmp;

  private static String content(Repository repo, Snapshot s, String path) throws Exception {
    return new String(repo.objects().read(s.lookup(path).childId()), StandardCharsets.UTF_8);
  }

  @Test
  void commitRewritesOnlyChangedDirectoriesAndKeepsUnchangedSubtreeIds() throws Exception {
    try (Repository repo = TestRepos.init(tmp)) {
      Versions v = Versions.of(repo);
      ObjectId base = TestRepos.commit(v, null, "base", "/a/x", "ax", "/b/y", "by", "/b/c/z", "bcz", "/d/e/f", "def");
      Transaction t = v.transactions().begin(base);
      t.write("/b/y", 2, "!".getBytes(StandardCharsets.UTF_8));
      assertThat(TestRepos.read(t, "/b/y")).isEqualTo("by!");
      t.getattr("/d/e/f"); // a lookup materializes /d and /d/e but changes nothing
      CommitResult r = t.commit("next");
      assertThat(r.empty()).isFalse();
      assertThat(r.treesWritten()).isEqualTo(2); // /b and the root
      assertThat(r.blobsWritten()).isEqualTo(1);
      Snapshot before = Snapshot.open(repo.objectDatabase(), base);
      Snapshot after = Snapshot.open(repo.objectDatabase(), r.manifest());
      assertThat(after.lookup("/a").childId()).isEqualTo(before.lookup("/a").childId());
      assertThat(after.lookup("/b/c").childId()).isEqualTo(before.lookup("/b/c").childId());
      assertThat(after.lookup("/d").childId()).isEqualTo(before.lookup("/d").childId());
      assertThat(after.lookup("/b").childId()).isNotEqualTo(before.lookup("/b").childId());
      assertThat(content(repo, after, "/b/y")).isEqualTo("by!");
      assertThat(after.manifest().parent()).isEqualTo(base);
      assertThat(after.manifest().label()).isEqualTo("next");
      assertThat(v.resolver().resolve("next")).isEqualTo(r.manifest());
      assertThat(v.refs().currentOrNull()).as("commit does not flip").isNull();
    }
  }

  @Test
  void readdirPagesResumeAfterANameAndTogetherListEveryEntryOnce() throws Exception {
    try (Repository repo = TestRepos.init(tmp)) {
      Versions v = Versions.of(repo);
      ObjectId base = TestRepos.commit(v, null, "base", "/d/b", "1", "/d/d", "2");
      Transaction t = v.transactions().begin(base);
      for (String n : List.of("a", "c", "e", "f", "g")) {
        t.createFile("/d/" + n, 0644, 0, 0);
      }
      t.unlink("/d/d");
      List<String> all = names(t.readdir("/d"));
      assertThat(all).containsExactly("a", "b", "c", "e", "f", "g");
      List<String> paged = new ArrayList<>();
      Name after = null;
      for (List<Stat> page; !(page = t.readdir("/d", after, 2)).isEmpty(); ) {
        assertThat(page.size()).isLessThanOrEqualTo(2);
        paged.addAll(names(page));
        after = page.get(page.size() - 1).name();
      }
      assertThat(paged).isEqualTo(all);
      assertThat(names(t.readdir("/d", Name.of("d"), 10)))
          .as("resumes after a name that is gone").containsExactly("e", "f", "g");
      assertThat(t.readdir("/d", Name.of("g"), 10)).isEmpty();
      assertThatThrownBy(() -> t.readdir("/d/a", null, 10)).isInstanceOf(NotDirectoryException.class);
    }
  }

  private static List<String> names(List<Stat> stats) {
    List<String> out = new ArrayList<>();
    for (Stat s : stats) {
      out.add(s.name().toString());
    }
    return out;
  }

  @Test
  void transactionSurvivesReopenAndResumes() throws Exception {
    ObjectId base;
    long id;
    try (Repository repo = TestRepos.init(tmp)) {
      Versions v = Versions.of(repo);
      base = TestRepos.commit(v, null, "base", "/etc/hosts", "localhost", "/usr/bin/sh", "ELF");
      Transaction t = v.transactions().begin(base);
      id = t.id();
      t.write("/etc/hosts", 9, " casfs".getBytes(StandardCharsets.UTF_8));
      t.createFile("/etc/new", 0600, 1, 2);
      t.write("/etc/new", 0, "fresh".getBytes(StandardCharsets.UTF_8));
      t.rename("/usr", "/opt");
      t.symlink("/opt/bin/sh", "/bin-sh", 0, 0);
      t.setxattr("/etc/new", "user.k", new byte[] {1, 2});
      t.chmod("/opt/bin/sh", 04755);
    }
    try (Repository repo = Repository.open(tmp.resolve("repo"))) {
      Versions v = Versions.of(repo);
      Transaction t = v.transactions().openOrNull();
      assertThat(t).isNotNull();
      assertThat(t.id()).isEqualTo(id);
      assertThat(t.base()).isEqualTo(base);
      assertThat(TestRepos.read(t, "/etc/hosts")).isEqualTo("localhost casfs");
      assertThat(TestRepos.read(t, "/etc/new")).isEqualTo("fresh");
      assertThat(t.getattr("/etc/new").meta().mode()).isEqualTo(0600);
      assertThat(t.getattr("/opt/bin/sh").meta().mode()).isEqualTo(04755);
      assertThat(t.lookupOrNull("/usr")).isNull();
      assertThat(new String(t.readlink("/bin-sh"), StandardCharsets.UTF_8)).isEqualTo("/opt/bin/sh");
      assertThat(t.getxattrOrNull("/etc/new", "user.k")).containsExactly(1, 2);
      CommitResult r = t.commit("");
      Snapshot s = Snapshot.open(repo.objectDatabase(), r.manifest());
      assertThat(content(repo, s, "/etc/hosts")).isEqualTo("localhost casfs");
      assertThat(content(repo, s, "/opt/bin/sh")).isEqualTo("ELF");
      assertThat(s.lookup("/etc/new").meta().uid()).isEqualTo(1);
      assertThat(v.transactions().openOrNull()).isNull();
      try (var files = Files.list(repo.dir().resolve("staging"))) {
        assertThat(files.filter(p -> p.getFileName().toString().startsWith("txn-")).toList()).isEmpty();
      }
    }
  }

  /** What tells a mount that an open file holds the bytes it held before ({@link Transaction#fileBytesOrNull}). */
  @Test
  void anOpenFilesBytesAreNamedUntilTheyChangeAndOnlyWithinItsTransaction() throws Exception {
    try (Repository repo = TestRepos.init(tmp)) {
      Versions v = Versions.of(repo);
      ObjectId base = TestRepos.commit(v, null, "base", "/f", "x", "/g", "x", "/h", "other");
      Transaction t = v.transactions().begin(base);
      OpenFile f = t.open("/f");
      Transaction.FileBytes first = t.fileBytesOrNull(f);
      assertThat(first).isNotNull().isEqualTo(t.fileBytesOrNull(t.open("/f")))
          .isEqualTo(t.fileBytesOrNull(t.open("/g"))); // the same blob
      assertThat(t.fileBytesOrNull(t.open("/h"))).isNotEqualTo(first);
      Transaction.FileBytes h = t.fileBytesOrNull(t.open("/h"));
      t.rename("/h", "/moved");
      t.chmod("/moved", 0600);
      assertThat(t.fileBytesOrNull(t.open("/moved"))).as("names and metadata are not bytes").isEqualTo(h);

      t.write("/f", 0, "x".getBytes(StandardCharsets.UTF_8)); // the same byte, but written
      Transaction.FileBytes written = t.fileBytesOrNull(f);
      assertThat(written).isNotNull().isNotEqualTo(first).isEqualTo(t.fileBytesOrNull(t.open("/f")));
      t.write("/f", 0, "x".getBytes(StandardCharsets.UTF_8));
      assertThat(t.fileBytesOrNull(f)).as("each write").isNotEqualTo(written);
      Transaction.FileBytes again = t.fileBytesOrNull(f);
      t.truncate("/f", 1);
      assertThat(t.fileBytesOrNull(f)).as("each truncate").isNotEqualTo(again);
      assertThat(t.fileBytesOrNull(t.open("/g"))).isEqualTo(first);
      t.unlink("/f");
      assertThat(t.fileBytesOrNull(f)).as("served apart").isNull();

      t.abort();
      Transaction next = v.transactions().begin(base);
      Transaction.FileBytes inNext = next.fileBytesOrNull(next.open("/g"));
      assertThat(inNext).as("another transaction").isNotNull().isNotEqualTo(first);
      org.casfs.cas.Manifest m = repo.objectDatabase().readManifest(base);
      next.graftRoot(m.root(), m.rootMeta()); // the same tree again, but from elsewhere
      assertThat(next.fileBytesOrNull(next.open("/g"))).as("after a graft").isNotNull().isNotEqualTo(inNext);
    }
  }

  @Test
  void abortLeavesNothingBehind() throws Exception {
    try (Repository repo = TestRepos.init(tmp)) {
      Versions v = Versions.of(repo);
      ObjectId base = TestRepos.commit(v, null, "base", "/f", "x");
      Transaction t = v.transactions().begin(base);
      t.write("/f", 0, "yyyy".getBytes(StandardCharsets.UTF_8));
      Path staging = t.stagingDir();
      assertThat(staging).exists();
      t.abort();
      assertThat(staging).doesNotExist();
      assertThat(v.transactions().openOrNull()).isNull();
      List<byte[]> journal = new ArrayList<>();
      repo.kv().scan(Transactions.JOURNAL, new byte[0], (k, val) -> journal.add(k));
      assertThat(journal).isEmpty();
      assertThatThrownBy(() -> t.getattr("/f")).isInstanceOf(IllegalStateException.class);
      // and a new transaction can begin
      assertThat(v.transactions().begin(base).lookupOrNull("/f").size()).isEqualTo(1);
    }
  }

  @Test
  void abortOpenDropsATransactionWithoutReplayingIt() throws Exception {
    try (Repository repo = TestRepos.init(tmp)) {
      Versions v = Versions.of(repo);
      Transaction t = v.transactions().begin(null);
      t.createFile("/f", 0644, 0, 0);
    }
    try (Repository repo = Repository.open(tmp.resolve("repo"))) {
      Versions v = Versions.of(repo);
      long id = v.transactions().abortOpen();
      assertThat(id).isPositive();
      assertThat(repo.dir().resolve("staging").resolve("txn-" + id)).doesNotExist();
      assertThat(v.transactions().openOrNull()).isNull();
      assertThat(v.transactions().abortOpen()).isEqualTo(-1);
    }
  }

  @Test
  void emptyCommitIsAllowedAndReported() throws Exception {
    try (Repository repo = TestRepos.init(tmp)) {
      Versions v = Versions.of(repo);
      ObjectId base = TestRepos.commit(v, null, "base", "/f", "x");
      Transaction t = v.transactions().begin(base);
      t.getattr("/f");
      CommitResult r = t.commit("");
      assertThat(r.empty()).isTrue();
      assertThat(r.treesWritten()).isZero();
      assertThat(repo.objectDatabase().readManifest(r.manifest()).root())
          .isEqualTo(repo.objectDatabase().readManifest(base).root());
    }
  }

  @Test
  void posixErrorsAreClearAndChangeNothing() throws Exception {
    try (Repository repo = TestRepos.init(tmp)) {
      Versions v = Versions.of(repo);
      ObjectId base = TestRepos.commit(v, null, "base", "/d/f", "x", "/d/sub/g", "y", "/e/h", "z");
      Transaction t = v.transactions().begin(base);
      assertThatThrownBy(() -> t.getattr("/nope")).isInstanceOf(NoSuchFileException.class).hasMessageContaining("/nope");
      assertThatThrownBy(() -> t.createFile("/nope/x", 0644, 0, 0)).isInstanceOf(NoSuchFileException.class);
      assertThatThrownBy(() -> t.getattr("/d/f/x")).isInstanceOf(NotDirectoryException.class);
      assertThatThrownBy(() -> t.createFile("/d/f/x", 0644, 0, 0)).isInstanceOf(NotDirectoryException.class);
      assertThatThrownBy(() -> t.createFile("/d/f", 0644, 0, 0)).isInstanceOf(FileAlreadyExistsException.class);
      assertThatThrownBy(() -> t.mkdir("/d", 0755, 0, 0)).isInstanceOf(FileAlreadyExistsException.class);
      assertThatThrownBy(() -> t.rmdir("/d")).isInstanceOf(DirectoryNotEmptyException.class);
      assertThatThrownBy(() -> t.rmdir("/d/f")).isInstanceOf(NotDirectoryException.class);
      assertThatThrownBy(() -> t.unlink("/d")).isInstanceOf(FsException.class)
          .satisfies(e -> assertThat(((FsException) e).errno()).isEqualTo(Errno.EISDIR));
      assertThatThrownBy(() -> t.rename("/d", "/d/sub/inside")).isInstanceOf(FsException.class)
          .hasMessageContaining("into itself")
          .satisfies(e -> assertThat(((FsException) e).errno()).isEqualTo(Errno.EINVAL));
      assertThatThrownBy(() -> t.rename("/d", "/e")).isInstanceOf(DirectoryNotEmptyException.class);
      assertThatThrownBy(() -> t.rename("/d", "/e/h")).isInstanceOf(NotDirectoryException.class);
      assertThatThrownBy(() -> t.rename("/e/h", "/d/sub")).isInstanceOf(FsException.class)
          .satisfies(e -> assertThat(((FsException) e).errno()).isEqualTo(Errno.EISDIR));
      assertThatThrownBy(() -> t.write("/d", 0, new byte[1])).isInstanceOf(FsException.class);
      assertThatThrownBy(() -> t.link("/d", "/dlink")).isInstanceOf(FsException.class)
          .satisfies(e -> assertThat(((FsException) e).errno()).isEqualTo(Errno.EPERM));
      assertThatThrownBy(() -> t.rmdir("/")).isInstanceOf(FsException.class)
          .satisfies(e -> assertThat(((FsException) e).errno()).isEqualTo(Errno.EBUSY));
      assertThatThrownBy(() -> t.removexattr("/d/f", "user.none")).isInstanceOf(FsException.class)
          .satisfies(e -> assertThat(((FsException) e).errno()).isEqualTo(Errno.ENODATA));
      assertThatThrownBy(() -> t.getattr("/a/../b")).isInstanceOf(FsException.class);
      CommitResult r = t.commit("");
      assertThat(r.empty()).as("refused operations changed nothing").isTrue();
    }
  }

  @Test
  void renameReplacesTargetsAsPosixSays() throws Exception {
    try (Repository repo = TestRepos.init(tmp)) {
      Versions v = Versions.of(repo);
      ObjectId base = TestRepos.commit(v, null, "base", "/a/f", "af", "/b/g", "bg", "/c/keep", "k");
      Transaction t = v.transactions().begin(base);
      t.mkdir("/emptydir", 0700, 0, 0);
      t.rename("/a/f", "/b/g");           // file over file
      t.rename("/b", "/emptydir");        // directory over an empty directory
      t.rename("/c", "/a/c");             // whole directory into another
      t.rename("/a/c/keep", "/a/c/keep"); // same name: nothing happens
      Snapshot s = Snapshot.open(repo.objectDatabase(), t.commit("").manifest());
      assertThat(content(repo, s, "/emptydir/g")).isEqualTo("af");
      assertThat(s.lookupOrNull("/b")).isNull();
      assertThat(s.lookupOrNull("/a/f")).isNull();
      assertThat(content(repo, s, "/a/c/keep")).isEqualTo("k");
      assertThat(s.lookup("/emptydir").meta().mode()).isEqualTo(0755);
    }
  }

  @Test
  void inodeNumbersAreThePathsAsAReadOnlyMountGivesThemAndARenamedFileKeepsItsOwn() throws Exception {
    try (Repository repo = TestRepos.init(tmp)) {
      Versions v = Versions.of(repo);
      ObjectId base = TestRepos.commit(v, null, "base", "/a/x", "x", "/a/y", "y", "/a/sub/z", "z", "/l/one", "1");
      Transaction linking = v.transactions().begin(base);
      linking.link("/l/one", "/l/two");
      ObjectId linked = linking.commit("").manifest();
      Snapshot s = Snapshot.open(repo.objectDatabase(), linked);
      long group = InodeNumbers.ofLinkGroup(s.lookup("/l/one").linkGroup());

      Transaction t = v.transactions().begin(linked);
      assertThat(t.getattr("/").inode()).isEqualTo(InodeNumbers.ROOT);
      assertThat(t.getattr("/a").inode()).isEqualTo(InodeNumbers.ofPath("/a"));
      long x = t.getattr("/a/x").inode();
      assertThat(x).isEqualTo(InodeNumbers.ofPath("/a/x"));
      assertThat(t.getattr("/l/two").inode()).isEqualTo(t.getattr("/l/one").inode()).isEqualTo(group);

      t.rename("/a", "/c");
      assertThat(t.getattr("/c/x").inode()).as("a renamed file keeps its number").isEqualTo(x);
      assertThat(t.getattr("/c").inode()).isEqualTo(InodeNumbers.ofPath("/a"));
      assertThat(t.getattr("/c/y").inode()).as("its directory was listed before the rename")
          .isEqualTo(InodeNumbers.ofPath("/a/y"));
      assertThat(t.getattr("/c/sub/z").inode()).as("first reached after the rename: its new path's")
          .isEqualTo(InodeNumbers.ofPath("/c/sub/z"));
      t.mkdir("/a", 0755, 0, 0);
      t.createFile("/a/x", 0644, 0, 0);
      assertThat(t.getattr("/a").inode()).as("a new file where a renamed one was").isNotEqualTo(InodeNumbers.ofPath("/a"));
      assertThat(t.getattr("/a/x").inode()).isNotEqualTo(x);
      t.createFile("/c/new", 0644, 0, 0);
      assertThat(t.getattr("/c/new").inode()).isEqualTo(InodeNumbers.ofPath("/c/new"));

      Transaction next = v.transactions().begin(t.commit("").manifest());
      for (String path : List.of("/a", "/a/x", "/c", "/c/x", "/c/y", "/c/sub/z", "/c/new")) {
        assertThat(next.getattr(path).inode()).as("after the commit: %s", path).isEqualTo(InodeNumbers.ofPath(path));
      }
      assertThat(next.getattr("/l/one").inode()).isEqualTo(group);
    }
  }

  @Test
  void hardlinksShareOneInodeAcrossDirectoriesAndCommitAsLinkGroups() throws Exception {
    try (Repository repo = TestRepos.init(tmp)) {
      Versions v = Versions.of(repo);
      ObjectId base = TestRepos.commit(v, null, "base", "/x/one", "1", "/y/z/other", "o");
      Transaction t = v.transactions().begin(base);
      t.link("/x/one", "/y/z/two");
      t.write("/y/z/two", 1, "!".getBytes(StandardCharsets.UTF_8));
      assertThat(TestRepos.read(t, "/x/one")).isEqualTo("1!");
      assertThat(t.getattr("/x/one").nlink()).isEqualTo(2);
      assertThat(t.getattr("/x/one").inode()).isEqualTo(t.getattr("/y/z/two").inode());
      ObjectId linked = t.commit("").manifest();
      Snapshot s = Snapshot.open(repo.objectDatabase(), linked);
      Entry one = s.lookup("/x/one");
      Entry two = s.lookup("/y/z/two");
      assertThat(one.linkGroup()).isNotZero().isEqualTo(two.linkGroup());
      assertThat(one.nlink()).isEqualTo(2);
      assertThat(content(repo, s, "/x/one")).isEqualTo("1!");

      // In a new transaction the group comes from the base: changing it through one name,
      // without ever looking at the other directory, still changes both names on commit.
      Transaction t2 = v.transactions().begin(linked);
      t2.truncate("/x/one", 0);
      t2.write("/x/one", 0, "changed".getBytes(StandardCharsets.UTF_8));
      Snapshot s2 = Snapshot.open(repo.objectDatabase(), t2.commit("").manifest());
      assertThat(content(repo, s2, "/y/z/two")).isEqualTo("changed");
      assertThat(s2.lookup("/y/z/two").linkGroup()).isEqualTo(s2.lookup("/x/one").linkGroup());

      // Unlinking one name leaves a plain file.
      Transaction t3 = v.transactions().begin(linked);
      t3.unlink("/x/one");
      Snapshot s3 = Snapshot.open(repo.objectDatabase(), t3.commit("").manifest());
      assertThat(s3.lookup("/y/z/two").linkGroup()).isZero();
      assertThat(s3.lookup("/y/z/two").nlink()).isEqualTo(1);
    }
  }

  @Test
  void metadataOperationsAndSpecialFilesReachTheCommit() throws Exception {
    try (Repository repo = TestRepos.init(tmp)) {
      Versions v = Versions.of(repo);
      Transaction t = v.transactions().begin(null);
      t.mkdir("/dev", 0755, 0, 0);
      t.mknod("/dev/null", EntryType.CHAR_DEVICE, 0666, (1L << 8) | 3, 0, 0);
      t.mknod("/fifo", EntryType.FIFO, 0600, 0, 0, 0);
      t.createFile("/f", 0644, 0, 0);
      t.write("/f", 3, ByteBuffer.wrap(new byte[] {7}));
      t.chown("/f", 1000, -1);
      t.utimens("/f", 1_234_567_890_123L);
      t.setxattr("/f", "security.capability", new byte[] {9});
      t.setxattr("/f", "user.gone", new byte[] {1});
      t.removexattr("/f", "user.gone");
      t.chmod("/", 0700);
      Snapshot s = Snapshot.open(repo.objectDatabase(), t.commit("first").manifest());
      assertThat(s.lookup("/dev/null").type()).isEqualTo(EntryType.CHAR_DEVICE);
      assertThat(s.lookup("/dev/null").rdev()).isEqualTo((1L << 8) | 3);
      assertThat(s.lookup("/fifo").type()).isEqualTo(EntryType.FIFO);
      Entry f = s.lookup("/f");
      assertThat(repo.objects().read(f.childId())).containsExactly(0, 0, 0, 7);
      assertThat(f.meta().uid()).isEqualTo(1000);
      assertThat(f.meta().mtimeNanos()).isEqualTo(1_234_567_890_123L);
      assertThat(f.meta().xattrs().getOrNull("security.capability")).containsExactly(9);
      assertThat(f.meta().xattrs().getOrNull("user.gone")).isNull();
      assertThat(s.manifest().rootMeta().mode()).isEqualTo(0700);
      assertThat(s.manifest().parent()).isNull();
    }
  }

  @Test
  void threadsWritingOneTransactionAtOnceLoseNothing() throws Exception {
    try (Repository repo = TestRepos.init(tmp)) {
      Versions v = Versions.of(repo);
      Transaction t = v.transactions().begin(null);
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
      List<java.util.concurrent.Future<?>> done = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        int worker = w;
        done.add(pool.submit(() -> {
          t.mkdir("/w" + worker, 0755, 0, 0);
          for (int i = 0; i < 50; i++) {
            String p = "/w" + worker + "/f" + i;
            t.createFile(p, 0644, 0, 0);
            for (int chunk = 0; chunk < 4; chunk++) {
              t.write(p, chunk * 3L, ("" + worker + chunk + i % 10).getBytes(StandardCharsets.UTF_8));
            }
            assertThat(TestRepos.read(t, p)).hasSize(12);
          }
          return null;
        }));
      }
      for (var f : done) {
        f.get();
      }
      pool.shutdown();
      Snapshot s = Snapshot.open(repo.objectDatabase(), t.commit("").manifest());
      for (int w = 0; w < 4; w++) {
        assertThat(s.tree(s.lookup("/w" + w)).size()).isEqualTo(50);
        assertThat(content(repo, s, "/w" + w + "/f7")).isEqualTo(w + "07" + w + "17" + w + "27" + w + "37");
      }
    }
  }

  @Test
  void onlyOneTransactionAtATime() throws Exception {
    try (Repository repo = TestRepos.init(tmp)) {
      Versions v = Versions.of(repo);
      v.transactions().begin(null);
      assertThatThrownBy(() -> v.transactions().begin(null)).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("already open");
    }
  }
}
