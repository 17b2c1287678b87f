package org.casfs.cas.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.casfs.cas.ChildJvm;
import org.casfs.cas.ObjectType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An init stopped at any point (killed, a power cut during a laptop's first setup) leaves either a
 * repository that opens, or a directory the next init starts over in. Before, the config was
 * written before the database was made: a stop in between left a directory that every command took
 * for a repository whose database was "damaged beyond salvage", and that init refused as one
 * already there. Crash-tested: a child JVM running init is SIGKILLed at random moments.
 */
class InitKillTest {
  private static final long SEED = Long.getLong("casfs.seed", System.nanoTime());

  @TempDir Path tmp;

  /** Child JVM: makes a repository in {@code args[0]}. */
  public static final class InitMain {
    public static void main(String[] args) throws Exception {
      System.out.println("STARTED");
      System.out.flush();
      Repository.init(Path.of(args[0]), RepoConfig.defaults()).close();
    }
  }

  @Test
  void anInitKilledAtAnyPointLeavesARepositoryOrWhatTheNextInitStartsOverIn() throws Exception {
    Random r = new Random(SEED);
    int stoppedHalfWay = 0;
    for (int i = 0; i < 12; i++) {
      Path dir = tmp.resolve("repo" + i);
      Process p = ChildJvm.of(InitMain.class, dir.toString()).redirectErrorStream(true).start();
      try {
        p.getInputStream().read(new byte[8]); // STARTED: the JVM is up, init runs next
        Thread.sleep(r.nextInt(700));
        p.destroyForcibly();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      } finally {
        p.destroyForcibly();
      }
      if (!Repository.isRepository(dir)) {
        stoppedHalfWay++;
        try {
          Repository.init(dir, RepoConfig.defaults()).close();
        } catch (IOException e) {
          throw new AssertionError("kill " + i + " (-Dcasfs.seed=" + SEED + "): " + e.getMessage(), e);
        }
      }
      try (Repository repo = Repository.open(dir)) {
        repo.objectDatabase().store().insert(ObjectType.BLOB, new byte[] {1, 2, 3});
        repo.flush();
      }
    }
    System.out.println("InitKillTest: 12 kills, " + stoppedHalfWay + " left an unfinished init (seed " + SEED + ")");
  }

  /**
   * An init killed while it made the disk-full reserve (32 MiB allocated under a temporary name,
   * then renamed) left {@code reserve.new}, which the next init took for a directory that is not
   * empty (the project's CI met it; a kill lands in that window now and then).
   */
  @Test
  void aReserveHalfMadeIsALeftoverTheNextInitRemoves() throws Exception {
    Path dir = tmp.resolve("repo");
    for (String sub : new String[] {"objects", "db", "keys", "staging/tmp"}) {
      Files.createDirectories(dir.resolve(sub));
    }
    Files.writeString(dir.resolve("lock"), "");
    Files.write(dir.resolve(SpaceReserve.MAKING), new byte[4096]);
    Repository.init(dir, RepoConfig.defaults()).close();
    assertThat(Repository.isRepository(dir)).isTrue();
    assertThat(dir.resolve(SpaceReserve.MAKING)).doesNotExist();
  }

  @Test
  void leftoversAnotherInitIsStillMakingAreNotRemoved() throws Exception {
    Path dir = tmp.resolve("repo");
    for (String sub : new String[] {"objects", "db", "keys", "staging"}) {
      Files.createDirectories(dir.resolve(sub));
    }
    try (FileChannel ch = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock held = ch.lock()) {
      assertThatThrownBy(() -> Repository.init(dir, RepoConfig.defaults()))
          .isInstanceOf(RepositoryLockedException.class).hasMessageContaining("is in use by process");
      assertThat(Files.isDirectory(dir.resolve("db"))).isTrue();
    }
    Repository.init(dir, RepoConfig.defaults()).close();
    assertThat(Repository.isRepository(dir)).isTrue();
  }

  @Test
  void aRepositoryThatLostItsConfigButHoldsDataIsNotTakenForLeftovers() throws Exception {
    Path dir = tmp.resolve("repo");
    try (Repository repo = Repository.init(dir, RepoConfig.defaults())) {
      for (int i = 0; i < 100; i++) {
        repo.objectDatabase().store().insert(ObjectType.BLOB, new byte[2000 + i]);
      }
      repo.flush();
    }
    Files.delete(dir.resolve("config"));
    assertThatThrownBy(() -> Repository.init(dir, RepoConfig.defaults())).hasMessageContaining(dir + " is not empty");
    assertThat(Files.isDirectory(dir.resolve("db"))).isTrue();
  }
}
