package org.casfs.cas.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.casfs.cas.ObjectType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepositoryTest {
  @TempDir
  Path tmp;

  @Test
  void initRefusesANonEmptyDirectoryAndLeavesItAlone() throws Exception {
    Path dir = tmp.resolve("full");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("precious.txt"), "keep me");
    assertThatThrownBy(() -> Repository.init(dir, RepoConfig.defaults()))
        .isInstanceOf(NotARepositoryException.class).hasMessageContaining("is not empty");
    try (var s = Files.list(dir)) {
      assertThat(s.toList()).containsExactly(dir.resolve("precious.txt"));
    }
    Path file = tmp.resolve("a-file");
    Files.writeString(file, "x");
    assertThatThrownBy(() -> Repository.init(file, RepoConfig.defaults()))
        .isInstanceOf(NotARepositoryException.class).hasMessageContaining("is not a directory");
  }

  /**
   * An open repository takes from its disk what it stores, not a write-ahead log's preallocation
   * too (RocksDB's default: 1.1x the 32 MiB write buffer, taken at the first write): on a laptop's
   * nearly full disk that space is what a pull's free-space check counts on.
   */
  @Test
  void anOpenRepositoryTakesFromItsDiskWhatItStores() throws Exception {
    try (org.casfs.cas.io.Tmpfs disk = org.casfs.cas.io.Tmpfs.mount(tmp.resolve("disk"), "size=96m")) {
      Path dir = disk.dir().resolve("repo");
      Repository.init(dir, RepoConfig.defaults()).close();
      try (Repository repo = Repository.open(dir)) {
        long before = Files.getFileStore(dir).getUsableSpace();
        repo.objects().insert(ObjectType.BLOB, new byte[1000]);
        repo.objects().flush();
        long taken = before - Files.getFileStore(dir).getUsableSpace();
        assertThat(taken).as("bytes taken from the disk by one small object").isLessThan(1 << 20);
      }
    }
  }

  @Test
  void aConfigEditedWrongSaysWhichLineAndWhatIsWrong() throws Exception {
    Path dir = tmp.resolve("repo");
    Repository.init(dir, RepoConfig.defaults()).close();
    Path config = dir.resolve("config");
    String good = Files.readString(config);
    for (String[] edit : new String[][] {{"keep=3", "keep=abc", "keep is 'abc', not a whole number"},
        {"keep=3", "keep=99999999999", "keep is '99999999999', not a whole number up to 2147483647"},
        {"keep=3", "keep=0", "keep must be at least 1"}}) {
      Files.writeString(config, good.replace(edit[0], edit[1]));
      assertThatThrownBy(() -> Repository.open(dir)).isInstanceOf(NotARepositoryException.class)
          .hasMessageContaining(config + ": " + edit[2]).hasMessageContaining("remove it for the default");
    }
    Files.writeString(config, good);
    Repository.open(dir).close();
  }

  @Test
  void initRefusesAnExistingRepository() throws Exception {
    Path dir = tmp.resolve("repo");
    Repository.init(dir, RepoConfig.defaults()).close();
    assertThatThrownBy(() -> Repository.init(dir, RepoConfig.defaults()))
        .isInstanceOf(RepositoryExistsException.class).hasMessageContaining("already a casfs repository");
  }

  @Test
  void openRefusesWhatIsNotARepository() throws Exception {
    assertThatThrownBy(() -> Repository.open(tmp))
        .isInstanceOf(NotARepositoryException.class).hasMessageContaining("is not a casfs repository")
        .hasMessageContaining("casfs init");
    assertThatThrownBy(() -> Repository.open(tmp.resolve("nowhere")))
        .isInstanceOf(NotARepositoryException.class);
    try (var s = Files.list(tmp)) {
      assertThat(s.toList()).isEmpty();
    }
  }

  @Test
  void aSecondOpenInTheSameProcessIsRefusedWithTheOwner() throws Exception {
    Path dir = tmp.resolve("repo");
    try (Repository repo = Repository.init(dir, RepoConfig.defaults())) {
      repo.objects().insert(ObjectType.BLOB, new byte[] {1});
      assertThatThrownBy(() -> Repository.open(dir)).isInstanceOf(RepositoryLockedException.class)
          .hasMessageContaining("in use by process " + ProcessHandle.current().pid());
      // The refused open did not disturb the open one.
      assertThat(repo.objects().read(org.casfs.cas.Hashes.of(new byte[] {1}).id())).containsExactly(1);
    }
    Repository.open(dir).close();
  }

  @Test
  void anOpenByAnotherProcessIsRefusedWithItsPid() throws Exception {
    Path dir = tmp.resolve("repo");
    Repository.init(dir, RepoConfig.defaults()).close();
    String java = ProcessHandle.current().info().command().orElse("java");
    Process child = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
        LockHolder.class.getName(), dir.toString())).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      assertThat(line).isEqualTo("open " + child.pid());
      assertThatThrownBy(() -> Repository.open(dir)).isInstanceOf(RepositoryLockedException.class)
          .hasMessageContaining("repository " + dir.toAbsolutePath().normalize())
          .hasMessageContaining("in use by process " + child.pid());
      child.getOutputStream().close();
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(child.exitValue()).isZero();
      Repository.open(dir).close();
    } finally {
      child.destroyForcibly();
    }
  }
}
