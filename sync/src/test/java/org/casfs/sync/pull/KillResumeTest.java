package org.casfs.sync.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.casfs.cas.ObjectId;
import org.casfs.cas.check.Fsck;
import org.casfs.cas.io.ImportOptions;
import org.casfs.cas.store.Repository;
import org.casfs.sync.Origin;
import org.casfs.sync.PullMain;
import org.casfs.sync.server.Server;
import org.casfs.sync.server.ServerConfig;
import org.casfs.txn.Imports;
import org.casfs.txn.Versions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client process is SIGKILLed 60% of the way through pulling v1 (a power cut, a laptop switched
 * off); the rerun fetches only what the first run had not made durable. A whole pull of v1 is
 * measured first (the server compresses, so v1 crosses the wire as ~42% of its size); the rerun
 * must send at most that less a quarter of what was sent before the kill. (The pull makes what it
 * stored durable every 2 s or 32 MiB; before it did, a killed pull kept nothing, and the rerun
 * sent the whole version again.)
 */
class KillResumeTest {
  static final Path CORPUS = Path.of(System.getProperty("casfs.corpus", "/var/cache/casfs-corpus"));
  @TempDir Path tmp;

  private Process child(Path repo, String url, String key, Path result) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"), PullMain.class.getName(),
        repo.toString(), url, key, result.toString())
        .redirectErrorStream(true).redirectOutput(tmp.resolve("child-" + System.nanoTime() + ".log").toFile()).start();
  }

  @Test
  void sigkillHalfWayThenRerunCompletesWithLittleRefetched() throws Exception {
    assumeTrue(Files.isDirectory(CORPUS.resolve("v1")), "the Debian corpus is not built at " + CORPUS);
    try (Origin origin = new Origin(tmp.resolve("origin"))) {
      ObjectId v1 = new Imports(Versions.of(origin.repo)).run(CORPUS.resolve("v1"), "v1", ImportOptions.defaults(), null)
          .manifest();
      origin.publish(v1);
      long versionBytes = versionBytes(origin.repo, v1);
      Server server = new Server(origin.repo.objectDatabase(), origin.state, ServerConfig.loopback(0))
          .start();
      List<Process> started = new ArrayList<>();
      try {
        String key = origin.key.publicKey().text();
        Process whole = child(tmp.resolve("whole"), server.url(), key, tmp.resolve("whole-result"));
        started.add(whole);
        assertThat(whole.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(whole.exitValue()).isZero();
        long wholePull = server.bytesSent();

        Path repo = tmp.resolve("client");
        Path result = tmp.resolve("result");
        Process first = child(repo, server.url(), key, result);
        started.add(first);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        long killAt = wholePull + wholePull * 6 / 10;
        while (server.bytesSent() < killAt && first.isAlive() && System.nanoTime() < deadline) {
          Thread.sleep(5);
        }
        assertThat(first.isAlive()).as("the child was still pulling at 60%").isTrue();
        first.destroyForcibly(); // SIGKILL
        first.waitFor(30, TimeUnit.SECONDS);
        long sentBeforeKill = server.bytesSent() - wholePull;
        assertThat(Files.exists(result)).isFalse();

        Process second = child(repo, server.url(), key, result);
        started.add(second);
        assertThat(second.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(second.exitValue()).isZero();
        assertThat(Files.readString(result)).startsWith(v1.name());
        long rerun = server.bytesSent() - wholePull - sentBeforeKill;
        System.out.printf("version %d bytes; a whole pull sent %d; killed after %d, the rerun sent %d (%.3fx a whole pull)%n",
            versionBytes, wholePull, sentBeforeKill, rerun, (double) rerun / wholePull);
        assertThat(rerun).as("bytes the rerun needed").isLessThanOrEqualTo(wholePull - sentBeforeKill / 4);
        try (Repository r = Repository.open(repo)) {
          assertThat(Versions.of(r).refs().currentOrNull()).isEqualTo(v1);
          assertThat(new Fsck(r.objects()).roots(List.of(v1)).run().isClean()).isTrue();
          Versions.release(r);
        }
      } finally {
        for (Process p : started) {
          p.destroyForcibly();
        }
        server.close();
      }
    }
  }

  /** Bytes of every distinct object of a version: what a full pull must move. */
  static long versionBytes(Repository repo, ObjectId v) throws Exception {
    long[] sum = {0};
    java.util.Set<ObjectId> seen = new java.util.HashSet<>();
    sum[0] += repo.objects().statOrNull(v).size();
    walk(repo, repo.objectDatabase().readManifest(v).rootId(), seen, sum);
    return sum[0];
  }

  private static void walk(Repository repo, ObjectId tree, java.util.Set<ObjectId> seen, long[] sum) throws Exception {
    if (!seen.add(tree)) {
      return;
    }
    sum[0] += repo.objects().statOrNull(tree).size();
    for (var e : repo.objectDatabase().readTree(tree).entries()) {
      if (e.isDirectory()) {
        walk(repo, e.childId(), seen, sum);
      } else if (e.isRegular() && seen.add(e.childId())) {
        sum[0] += e.size();
      }
    }
  }
}
