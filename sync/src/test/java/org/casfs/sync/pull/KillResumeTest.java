package org.casfs.sync.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * A client process is SIGKILLed half-way through pulling v1 (a power cut, a laptop switched off);
 * the rerun fetches only what the first run had not made durable. The child says each time it has
 * made its first N stored bytes durable ({@link PullListener#durable}); it is killed at the first
 * such point past half of v1, and the rerun must then store at most v1's bytes less N, and send
 * correspondingly less than a whole pull. (The pull makes what it stored durable every 2 s or 32
 * MiB; before it did, a killed pull kept nothing, and the rerun sent the whole version again.)
 *
 * <p>The kill follows what the child made durable, not what the server sent: the server sends a
 * repeated request from its stream cache as fast as the socket takes it, and loopback's buffers
 * hold tens of megabytes the child has not read yet.
 */
class KillResumeTest {
  static final Path CORPUS = Path.of(System.getProperty("casfs.corpus", "/var/cache/casfs-corpus"));
  @TempDir Path tmp;

  /** A pulling child process and the most it has said is durable so far. */
  private static final class Child {
    final Process process;
    final AtomicLong durable = new AtomicLong();
    final StringBuilder output = new StringBuilder();
    private final Thread reader;

    Child(Process process) {
      this.process = process;
      this.reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line; (line = r.readLine()) != null; ) {
            if (line.startsWith("durable ")) {
              durable.accumulateAndGet(Long.parseLong(line.substring("durable ".length())), Math::max);
            } else {
              synchronized (output) {
                output.append(line).append('\n');
              }
            }
          }
        } catch (IOException e) {
          // the child is gone
        }
      }, "child-output");
      reader.setDaemon(true);
      reader.start();
    }

    /** Waits for the child's end and for every line it printed; its exit value. */
    int finish(long minutes) throws Exception {
      assertThat(process.waitFor(minutes, TimeUnit.MINUTES)).as("the child ended in time").isTrue();
      reader.join(TimeUnit.SECONDS.toMillis(30));
      return process.exitValue();
    }

    String output() {
      synchronized (output) {
        return output.toString();
      }
    }
  }

  private Child child(Path repo, String url, String key, Path result) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new Child(new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
        PullMain.class.getName(), repo.toString(), url, key, result.toString())
        .redirectErrorStream(true).start());
  }

  /** The bytes stored that a child wrote to its result file. */
  private static long storedOf(Path result) throws IOException {
    return Long.parseLong(Files.readString(result).trim().split(" ")[1]);
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
      List<Child> started = new ArrayList<>();
      try {
        String key = origin.key.publicKey().text();
        Child whole = child(tmp.resolve("whole"), server.url(), key, tmp.resolve("whole-result"));
        started.add(whole);
        assertThat(whole.finish(5)).as(whole.output()).isZero();
        long wholePull = server.bytesSent();
        assertThat(storedOf(tmp.resolve("whole-result"))).as("bytes a whole pull stored").isEqualTo(versionBytes);

        Path repo = tmp.resolve("client");
        Path result = tmp.resolve("result");
        Child first = child(repo, server.url(), key, result);
        started.add(first);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (first.durable.get() < versionBytes / 2 && first.process.isAlive() && System.nanoTime() < deadline) {
          Thread.sleep(1);
        }
        assertThat(first.process.isAlive()).as("the child was still pulling past half-way; it said:%n%s", first.output())
            .isTrue();
        first.process.destroyForcibly(); // SIGKILL
        first.finish(1);
        long durable = first.durable.get(); // lines it printed before the kill count too
        long sentBeforeKill = server.bytesSent() - wholePull;
        assertThat(Files.exists(result)).isFalse();

        Child second = child(repo, server.url(), key, result);
        started.add(second);
        assertThat(second.finish(5)).as(second.output()).isZero();
        assertThat(Files.readString(result)).startsWith(v1.name());
        long rerun = server.bytesSent() - wholePull - sentBeforeKill;
        long rerunStored = storedOf(result);
        System.out.printf("version %d bytes; a whole pull sent %d; killed with %d bytes durable after %d sent;"
            + " the rerun stored %d and sent %d (%.3fx a whole pull)%n",
            versionBytes, wholePull, durable, sentBeforeKill, rerunStored, rerun, (double) rerun / wholePull);
        assertThat(rerunStored).as("bytes the rerun stored").isLessThanOrEqualTo(versionBytes - durable);
        assertThat(rerun).as("bytes the rerun needed on the wire")
            .isLessThanOrEqualTo(wholePull - wholePull * durable / versionBytes / 2);
        try (Repository r = Repository.open(repo)) {
          assertThat(Versions.of(r).refs().currentOrNull()).isEqualTo(v1);
          assertThat(new Fsck(r.objects()).roots(List.of(v1)).run().isClean()).isTrue();
          Versions.release(r);
        }
      } finally {
        for (Child c : started) {
          c.process.destroyForcibly();
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
