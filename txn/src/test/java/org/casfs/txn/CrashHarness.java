package org.casfs.txn;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.casfs.cas.ObjectId;
import org.casfs.cas.check.Fsck;
import org.casfs.cas.check.FsckReport;
import org.casfs.cas.store.RepoConfig;
import org.casfs.cas.store.Repository;

/**
 * Crash safety, for real: starts {@link CrashWorker} in a child JVM, SIGKILLs it at a random
 * moment, reopens the repository and checks that fsck is clean, {@code current} is the old or
 * the new manifest of the flip in progress (never anything else), every ref's manifest is
 * complete, and an interrupted transaction is either gone or resumes with every file whole.
 * Repeats for the given number of kills and returns counts.
 *
 * <p>{@code tools/bench/crash.sh} runs {@link #main} with 300 kills; the CI test with 30.
 */
public final class CrashHarness {
  private final Path work;
  private final Random random;
  private final Map<String, Integer> counts = new TreeMap<>();
  private ObjectId expectedCurrent;
  private boolean progress;

  public CrashHarness(Path work, long seed) {
    this.work = work;
    this.random = new Random(seed);
  }

  public static void main(String[] args) throws Exception {
    int kills = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    Path work = Files.createTempDirectory("casfs-crash");
    long seed = args.length > 1 ? Long.parseLong(args[1]) : System.nanoTime();
    System.out.println("crash test: " + kills + " kills, seed " + seed + ", in " + work);
    long start = System.nanoTime();
    CrashHarness harness = new CrashHarness(work, seed);
    harness.progress = true;
    Map<String, Integer> counts = harness.run(kills);
    counts.forEach((k, n) -> System.out.printf("%-34s %d%n", k, n));
    System.out.printf("wall time %.1f s%n", (System.nanoTime() - start) / 1e9);
    Transactions.deleteTree(work);
  }

  private void count(String what) {
    counts.merge(what, 1, Integer::sum);
  }

  public Map<String, Integer> run(int kills) throws Exception {
    Path repoDir = work.resolve("repo");
    Path source = Files.createDirectories(work.resolve("source"));
    Files.write(source.resolve("s0"), CrashWorker.content("initial", 10));
    try (Repository repo = Repository.init(repoDir, RepoConfig.defaults().withInlineThreshold(4096))) {
      expectedCurrent = null;
    }
    for (int i = 0; i < kills; i++) {
      Path log = work.resolve("worker-" + i + ".log");
      Path err = work.resolve("worker-" + i + ".err");
      Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
          CrashWorker.class.getName(), repoDir.toString(), source.toString(), Long.toString(random.nextLong()),
          log.toString())
          .redirectErrorStream(true).redirectOutput(err.toFile()).start();
      try {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!(Files.exists(log) && Files.readString(log).contains("READY"))) {
          if (!p.isAlive()) {
            throw new AssertionError("worker " + i + " died on its own:\n" + Files.readString(err));
          }
          if (System.nanoTime() > deadline) {
            throw new AssertionError("worker " + i + " did not start in 60 s");
          }
          Thread.sleep(10);
        }
        Thread.sleep(random.nextInt(2500));
        if (!p.isAlive()) {
          throw new AssertionError("worker " + i + " died on its own:\n" + Files.readString(err));
        }
      } finally {
        p.destroyForcibly(); // SIGKILL on Linux
        p.waitFor();
      }
      count("kills");
      check(i, Files.readAllLines(log, StandardCharsets.UTF_8));
      if (progress && (i + 1) % 25 == 0) {
        System.out.println("after " + (i + 1) + " kills: " + counts);
      }
      Files.deleteIfExists(log);
      Files.deleteIfExists(err);
    }
    return counts;
  }

  private void check(int run, List<String> log) throws Exception {
    String action = "(starting)";
    String[] lastFlip = null;
    boolean flipped = false;
    for (String line : log) {
      if (line.startsWith("BEGIN ")) {
        action = line.substring(6);
      } else if (line.equals("END") || line.equals("LEFT_OPEN")) {
        action = "(between actions)";
      } else if (line.startsWith("FLIP ")) {
        lastFlip = line.split(" ");
        flipped = false;
      } else if (line.equals("FLIPPED")) {
        flipped = true;
      }
    }
    count("killed during " + action);
    try (Repository repo = Repository.open(work.resolve("repo"))) {
      Versions v = Versions.of(repo);
      ObjectId current = v.refs().currentOrNull();
      if (lastFlip == null) {
        require(run, java.util.Objects.equals(current, expectedCurrent), "current moved without a flip: " + current);
      } else {
        ObjectId from = lastFlip[1].equals("null") ? null : ObjectId.fromString(lastFlip[1]);
        ObjectId to = ObjectId.fromString(lastFlip[2]);
        if (flipped) {
          require(run, to.equals(current), "flip to " + to + " returned but current is " + current);
        } else {
          require(run, to.equals(current) || java.util.Objects.equals(from, current),
              "current is " + current + ", neither the old " + from + " nor the new " + to);
          count(to.equals(current) ? "flip in flight: landed" : "flip in flight: not landed");
        }
      }
      expectedCurrent = current;
      Set<ObjectId> roots = new HashSet<>(v.refs().all().values());
      roots.addAll(v.refs().versionsNewestFirst());
      for (Map.Entry<String, ObjectId> ref : v.refs().all().entrySet()) {
        require(run, v.completeness().check(ref.getValue()).complete(), "ref " + ref.getKey() + " is incomplete");
      }
      FsckReport report = new Fsck(repo.objects()).roots(new ArrayList<>(roots)).threads(1).run();
      require(run, report.isClean(), "fsck found problems:\n" + String.join("\n", report.lines()));
      count("fsck clean");
      Transaction t = v.transactions().openOrNull();
      if (t == null) {
        count("no open transaction");
      } else {
        int files = checkWhole(run, t, "/");
        count(t.importSource() != null ? "interrupted import resumable" : "open transaction intact");
        if (files > 0) {
          count("open transactions with files checked");
        }
      }
    }
  }

  private int checkWhole(int run, Transaction t, String dir) throws IOException {
    int files = 0;
    for (Stat s : t.readdir(dir)) {
      String path = (dir.equals("/") ? "" : dir) + "/" + s.name();
      if (s.isDirectory()) {
        files += checkWhole(run, t, path);
      } else if (s.type() == org.casfs.cas.EntryType.REGULAR) {
        ByteBuffer b = ByteBuffer.allocate((int) s.size());
        while (b.hasRemaining() && t.read(path, b.position(), b) > 0) {
          // read on
        }
        require(run, b.position() == s.size() && CrashWorker.whole(b.array()),
            "file " + path + " of the resumed transaction is torn");
        files++;
      }
    }
    return files;
  }

  private static void require(int run, boolean ok, String what) {
    if (!ok) {
      throw new AssertionError("after kill " + (run + 1) + ": " + what);
    }
  }
}
