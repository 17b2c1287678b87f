package org.casfs.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.casfs.cas.store.Repository;
import org.casfs.sync.SyncState;
import org.casfs.sync.server.Server;
import org.casfs.sync.server.ServerConfig;
import org.casfs.sync.wire.RateLimit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A laptop switched off in the middle of an update, as its administrator then finds it: a
 * {@code casfs pull} process SIGKILLed 60% of the way through a slow pull. {@code fsck} names the
 * unfinished version and exits 0 (it is not damage), {@code gc} (which the disk-full message
 * advises) keeps what the pull stored, and the next pull fetches only the rest; {@code gc
 * --drop-unfinished} removes it instead.
 */
class InterruptedPullTest {
  @TempDir Path tmp;

  /** 40 files of 512 KiB of random bytes: what crosses the wire is what is stored. */
  private Path tree() throws Exception {
    Path d = tmp.resolve("image");
    Files.createDirectories(d.resolve("usr/lib"));
    Random r = new Random(42);
    for (int i = 0; i < 40; i++) {
      byte[] b = new byte[512 << 10];
      r.nextBytes(b);
      Files.write(d.resolve("usr/lib").resolve("lib" + i + ".so"), b);
    }
    return d;
  }

  private static long objectCount(Path repo) throws Exception {
    try (Repository r = Repository.open(repo)) {
      long[] n = {0};
      r.objects().forEach(info -> ++n[0] > 0);
      return n[0];
    }
  }

  @Test
  void aPullKilledHalfWayIsUnfinishedNotDamagedAndGcKeepsWhatItStored() throws Exception {
    Path originDir = tmp.resolve("origin");
    CliOrigin o = CliOrigin.init(originDir, tmp.resolve("origin.key"));
    CliRunner origin = o.cli();
    assertThat(origin.run("import", tree().toString(), "--label", "v1").code()).isZero();
    assertThat(origin.run("sign", "v1").code()).isZero();

    Path clientDir = tmp.resolve("client");
    CliRunner client = o.trustingMachine(clientDir);
    CliRunner other = o.trustingMachine(tmp.resolve("other"));

    Process pull = null;
    try (Repository repo = Repository.open(originDir);
        Server server = new Server(repo.objectDatabase(), new SyncState(repo.kv()), ServerConfig.loopback(0)).start()) {
      CliRunner.Result whole = other.run("pull", server.url());
      assertThat(whole.code()).as(whole.toString()).isZero();
      long wholePull = server.bytesSent();
      // The server sends at the client's rate too: what it counts as sent is then about what the
      // client read, not what loopback's buffers (megabytes) hold for it.
      server.limitUploads(new RateLimit(2_000_000));

      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      pull = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Casfs.class.getName(),
          "pull", "--repo", clientDir.toString(), "--limit-rate", "2M", server.url())
          .redirectErrorStream(true).redirectOutput(tmp.resolve("pull.log").toFile()).start();
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (server.bytesSent() < wholePull + wholePull * 6 / 10 && pull.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(pull.isAlive()).as("the pull was still running at 60%: " + Files.readString(tmp.resolve("pull.log")))
          .isTrue();
      pull.destroyForcibly(); // SIGKILL: the power went
      assertThat(pull.waitFor(30, TimeUnit.SECONDS)).isTrue();
      long sentBeforeKill = server.bytesSent() - wholePull;

      CliRunner.Result fsck = client.run("fsck");
      assertThat(fsck.code()).as(fsck.toString()).isZero();
      assertThat(fsck.out()).contains("unfinished version ").contains("objects not stored yet").contains("no problems");
      assertThat(client.run("status").out()).contains("pulling:   ").contains("not finished");

      // The pull makes what it stored durable every 2 s: at 2 MB/s, 60% of the way through (over 6 s
      // in), at least 4 MB of it.
      long stored = objectCount(clientDir);
      long blobsKept = stored - 4; // the manifest and 3 trees come first
      assertThat(blobsKept).as("blobs the killed pull made durable").isGreaterThanOrEqualTo(4);
      CliRunner.Result gc = client.run("gc");
      assertThat(gc.code()).as(gc.toString()).isZero();
      assertThat(objectCount(clientDir)).as("gc keeps what the pull in flight stored").isEqualTo(stored);

      // An administrator who wants the space back instead: gc --drop-unfinished (on a copy).
      Path copy = tmp.resolve("client-copy");
      try (java.util.stream.Stream<Path> files = Files.walk(clientDir)) {
        for (Path f : files.toList()) {
          Files.copy(f, copy.resolve(clientDir.relativize(f).toString()));
        }
      }
      CliRunner dropper = CliRunner.forRepo(copy);
      CliRunner.Result dropped = dropper.run("gc", "--drop-unfinished");
      assertThat(dropped.code()).as(dropped.toString()).isZero();
      assertThat(dropped.out()).startsWith("dropped the unfinished pull of ");
      assertThat(objectCount(copy)).as("what the dropped pull stored is gone").isZero();
      assertThat(dropper.run("status").out()).doesNotContain("pulling:");
      assertThat(dropper.run("fsck").out()).doesNotContain("unfinished");

      server.limitUploads(null);
      CliRunner.Result rerun = client.run("pull", server.url(), "--switch");
      assertThat(rerun.code()).as(rerun.toString()).isZero();
      long rerunBytes = server.bytesSent() - wholePull - sentBeforeKill;
      System.out.printf("a whole pull sent %d bytes; killed after %d (socket buffers included), %d blobs kept;"
          + " the rerun sent %d (%.2fx)%n", wholePull, sentBeforeKill, blobsKept, rerunBytes, (double) rerunBytes / wholePull);
      assertThat(rerunBytes).as("the rerun fetches none of the kept blobs again")
          .isLessThanOrEqualTo(wholePull - blobsKept * (512 << 10) + (64 << 10));
    } finally {
      if (pull != null) {
        pull.destroyForcibly();
      }
    }
    CliRunner.Result fsck = client.run("fsck");
    assertThat(fsck.code()).as(fsck.toString()).isZero();
    assertThat(fsck.out()).doesNotContain("unfinished");
    assertThat(client.run("status").out()).doesNotContain("pulling:");
  }
}
