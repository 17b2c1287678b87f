package org.casfs.txn.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.casfs.cas.Entry;
import org.casfs.cas.ObjectId;
import org.casfs.cas.Tree;
import org.casfs.cas.io.ImportOptions;
import org.casfs.cas.store.RepoConfig;
import org.casfs.cas.store.Repository;
import org.casfs.txn.CommitResult;
import org.casfs.txn.Imports;
import org.casfs.txn.Transaction;
import org.casfs.txn.Versions;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Committing a transaction that changes 10 files (in 10 different directories) of the real
 * Debian v1 image ({@code casfs.corpus}/v1, default /var/cache/casfs-corpus): begin on v1, write
 * 10 files, commit (blobs, changed trees, manifest, synced). The {@code treesWritten} and
 * {@code commits} counters (totals over the measurement) give the tree objects written per
 * commit: only the changed directories and their ancestors.
 *
 * <p>Run: {@code tools/bench/txn-jmh.sh CommitBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class CommitBenchmark {
  private Path dir;
  private Repository repo;
  private Versions versions;
  private ObjectId v1;
  private final List<String> targets = new ArrayList<>();
  private int round;

  /** Per-iteration counters JMH prints next to the time. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Written {
    public long treesWritten;
    public long commits;
  }

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    Path image = Path.of(System.getProperty("casfs.corpus", "/var/cache/casfs-corpus"), "v1");
    if (!Files.isDirectory(image)) {
      throw new IllegalStateException("no Debian image at " + image + "; run ../shared/corpus/make-images.sh");
    }
    dir = Files.createTempDirectory("casfs-commit-bench");
    repo = Repository.init(dir.resolve("repo"), RepoConfig.defaults());
    versions = Versions.of(repo);
    v1 = new Imports(versions).run(image, "v1", ImportOptions.defaults(), null).manifest();
    pickTargets(repo.objectDatabase().readManifest(v1).rootId(), "");
    if (targets.size() < 10) {
      throw new IllegalStateException("found only " + targets.size() + " directories with files");
    }
  }

  /** The first regular file of each of the first 10 directories (depth-first) that have one. */
  private void pickTargets(ObjectId tree, String path) throws IOException {
    Tree t = repo.objectDatabase().readTree(tree);
    for (Entry e : t.entries()) {
      if (targets.size() >= 10) {
        return;
      }
      if (e.isRegular() && e.linkGroup() == 0) {
        targets.add(path + "/" + e.name());
        break;
      }
    }
    for (Entry e : t.entries()) {
      if (targets.size() < 10 && e.isDirectory()) {
        pickTargets(e.childId(), path + "/" + e.name());
      }
    }
  }

  @Benchmark
  public CommitResult commitTenChangedFiles(Written written) throws Exception {
    Transaction t = versions.transactions().begin(v1);
    byte[] stamp = ("changed in round " + round++ + "\n").getBytes(StandardCharsets.UTF_8);
    for (String path : targets) {
      t.write(path, 0, ByteBuffer.wrap(stamp));
    }
    CommitResult r = t.commit("bench");
    written.treesWritten += r.treesWritten();
    written.commits++;
    return r;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    System.out.println("\ncommit benchmark: 10 files changed in " + targets);
    repo.close();
    try (var s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
