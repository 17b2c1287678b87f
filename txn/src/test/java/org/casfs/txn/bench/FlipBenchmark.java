package org.casfs.txn.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.casfs.cas.Entry;
import org.casfs.cas.Hashes;
import org.casfs.cas.Manifest;
import org.casfs.cas.Metadata;
import org.casfs.cas.Name;
import org.casfs.cas.ObjectId;
import org.casfs.cas.ObjectType;
import org.casfs.cas.Tree;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.cas.store.RepoConfig;
import org.casfs.cas.store.Repository;
import org.casfs.txn.Actor;
import org.casfs.txn.RefUpdate;
import org.casfs.txn.RootPointer;
import org.casfs.txn.Versions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The root pointer flip (compare-and-set, one synced RocksDB batch: current, previous, history)
 * between two versions of an image of 10 or 100,000 files. The cost must not depend on the image
 * size: the completeness check of an already-checked version is one key lookup.
 *
 * <p>Run: {@code tools/bench/txn-jmh.sh FlipBenchmark} (the median is the p0.50 line).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FlipBenchmark {
  @Param({"10", "100000"})
  public int files;

  private Path dir;
  private Repository repo;
  private RootPointer pointer;
  private ObjectId a;
  private ObjectId b;
  private ObjectId current;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    dir = Files.createTempDirectory("casfs-flip-bench");
    repo = Repository.init(dir.resolve("repo"), RepoConfig.defaults());
    a = version(repo.objectDatabase(), files, "a");
    b = version(repo.objectDatabase(), files, "b");
    repo.flush();
    Versions v = Versions.of(repo);
    pointer = v.rootPointer();
    // first flips walk each version once (and remember it complete); the benchmark measures the rest
    check(pointer.flip(null, a, "setup", Actor.COMMAND));
    check(pointer.flip(a, b, "setup", Actor.COMMAND));
    current = b;
  }

  /** An image of {@code n} files in directories of at most 1,000; one file differs per tag. */
  static ObjectId version(ObjectDatabase db, int n, String tag) throws IOException {
    Metadata meta = Metadata.of(0644, 0, 0, 0);
    List<Entry> dirs = new ArrayList<>();
    for (int d = 0; d * 1000 < n; d++) {
      List<Entry> entries = new ArrayList<>();
      for (int i = d * 1000; i < Math.min(n, (d + 1) * 1000); i++) {
        byte[] content = (i == 0 ? tag : "file " + i).getBytes(StandardCharsets.UTF_8);
        Hashes h = db.store().insert(ObjectType.BLOB, content).hashes();
        entries.add(Entry.file(Name.of(String.format("f%06d", i)), meta, content.length, h));
      }
      dirs.add(Entry.directory(Name.of(String.format("d%04d", d)), Metadata.of(0755, 0, 0, 0),
          db.writeTree(Tree.of(entries))));
    }
    Hashes root = db.writeTree(Tree.of(dirs));
    return db.writeManifest(new Manifest(root, Metadata.of(0755, 0, 0, 0), "stable", 1, tag, null, 0)).id();
  }

  private static void check(RefUpdate u) {
    if (u != RefUpdate.OK) {
      throw new IllegalStateException("flip gave " + u);
    }
  }

  @Benchmark
  public RefUpdate flip() throws IOException {
    ObjectId next = current.equals(a) ? b : a;
    RefUpdate u = pointer.flip(current, next, "bench", Actor.COMMAND);
    current = next;
    return u;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    repo.close();
    try (var s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
