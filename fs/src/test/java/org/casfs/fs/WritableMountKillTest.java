package org.casfs.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.casfs.cas.ChildJvm;
import org.casfs.cas.ObjectId;
import org.casfs.cas.check.Fsck;
import org.casfs.cas.check.FsckReport;
import org.casfs.cas.io.Checkout;
import org.casfs.cas.io.ImportOptions;
import org.casfs.cas.io.ImportResult;
import org.casfs.cas.io.Importer;
import org.casfs.cas.store.RepoConfig;
import org.casfs.cas.store.Repository;
import org.casfs.cas.store.Snapshot;
import org.casfs.txn.CommitResult;
import org.casfs.txn.Transaction;
import org.casfs.txn.Versions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety of the writable mount, by crashing it: a mount in a child JVM takes seeded random
 * operations ({@link TreeOperation}) from this process, the same ones a directory on local disk
 * takes, and is SIGKILLed at a random moment. Then fsck must be clean, and a new mount of the
 * transaction must show every operation that had returned before the kill: only the paths of the
 * one in flight may hold either state, or a part of it. Round after round on the same transaction;
 * at the end it is unmounted cleanly, committed, checked out and compared with the local tree.
 * The seed is printed on failure; {@code -Dcasfs.kills=N} sets the number of kills.
 */
class WritableMountKillTest {
  private static final long SEED = Long.getLong("casfs.seed", System.nanoTime());
  private static final int KILLS = Integer.getInteger("casfs.kills", 10);

  @TempDir Path tmp;
  private static final List<String> trace = new ArrayList<>();

  @Test
  @Timeout(600)
  void aMountKilledAtRandomKeepsEveryFinishedChangeAndItsRepositoryChecksClean() throws Exception {
    Random r = new Random(SEED);
    Path model = TreeOperation.firstTree(tmp.resolve("model"), r);
    Path repoDir = tmp.resolve("repo");
    Path mnt = Files.createDirectories(tmp.resolve("mnt"));
    try (Repository repo = Repository.init(repoDir, RepoConfig.defaults())) {
      ImportResult imported = new Importer(repo.objectDatabase()).importDirectory(model, ImportOptions.defaults(), null);
      ObjectId base = repo.objectDatabase().writeManifest(new org.casfs.cas.Manifest(imported.root(),
          imported.rootMeta(), "stable", 1, "base", null, System.currentTimeMillis())).id();
      repo.flush();
      Versions.of(repo).transactions().begin(base);
    }
    ScheduledExecutorService killer = Executors.newSingleThreadScheduledExecutor();
    Set<String> unsettled = Set.of();
    int operations = 0;
    int inFlight = 0;
    trace.clear();
    try {
      for (int round = 0; round <= KILLS; round++) {
        Process child = startChild(repoDir, mnt);
        try {
          assertSameExcept(model, mnt, unsettled, "after kill " + round);
          resetModelTo(mnt, model); // the paths in flight hold what the mount kept of them
          boolean last = round == KILLS;
          int killAfterMillis = 20 + r.nextInt(800);
          long killDue = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(killAfterMillis);
          if (!last) {
            killer.schedule(child::destroyForcibly, killAfterMillis, TimeUnit.MILLISECONDS);
          }
          unsettled = Set.of();
          for (int i = 0; last ? i < 100 : child.isAlive(); i++, operations++) {
            TreeOperation op = TreeOperation.random(r);
            String onMount = op.outcome(mnt);
            trace.add("round " + round + " op " + operations + ": " + op + " -> " + onMount);
            // A failure is the kill's only once the kill was due; the child's end may take a while to see.
            if (!"ok".equals(onMount) && !last && System.nanoTime() >= killDue && child.waitFor(5, TimeUnit.SECONDS)) {
              unsettled = unsettledBy(op, model); // failed as the mount was killed under it: any state
              inFlight++;
              break;
            }
            assertThat(onMount).as("seed " + SEED + ", operation " + operations + ": " + op).isEqualTo(op.outcome(model));
          }
          if (last) {
            MountTable.fusermountUnmount(mnt, false);
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the mount process ends when unmounted").isTrue();
          } else {
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
          }
        } finally {
          child.destroyForcibly().waitFor();
        }
        assertClean(repoDir, "after kill " + round);
      }
      try (Repository repo = Repository.open(repoDir)) {
        Transaction txn = Versions.of(repo).transactions().openOrNull();
        assertThat(txn).as("the transaction outlives every kill").isNotNull();
        CommitResult done = txn.commit("after " + KILLS + " kills");
        Path out = tmp.resolve("checkout");
        new Checkout(repo.objectDatabase()).checkout(Snapshot.open(repo.objectDatabase(), done.manifest()), out, null);
        assertThat(TreeState.describe(out)).as("seed " + SEED + ", the checkout of the commit")
            .isEqualTo(TreeState.describe(model));
      }
      assertClean(repoDir, "after the commit");
      System.out.println("WritableMountKillTest: " + KILLS + " kills, " + operations + " operations, " + inFlight
          + " of them in flight at a kill (seed " + SEED + ")");
    } finally {
      killer.shutdownNow();
      if (MountTable.isMounted(mnt)) {
        MountTable.fusermountUnmount(mnt, true);
      }
    }
  }

  private static Process startChild(Path repoDir, Path mnt) throws IOException {
    try {
      return ChildJvm.startAndAwait(ChildJvm.of(ChildWritableMount.class, repoDir.toString(), mnt.toString()), "MOUNTED");
    } catch (AssertionError e) {
      throw new AssertionError("seed " + SEED + ": " + e.getMessage(), e);
    }
  }

  /** The two trees agree everywhere but at and below {@code unsettled}. */
  private static void assertSameExcept(Path model, Path mount, Set<String> unsettled, String when) throws IOException {
    assertThat(settled(TreeState.describe(mount), unsettled))
        .as("seed " + SEED + ", " + when + " (unsettled: " + unsettled + ")\n" + String.join("\n", trace))
        .isEqualTo(settled(TreeState.describe(model), unsettled));
  }

  private static Map<String, String> settled(TreeMap<String, String> tree, Set<String> unsettled) {
    Map<String, String> out = new TreeMap<>(tree);
    out.keySet().removeIf(path -> isAtOrBelow(path, unsettled));
    return out;
  }

  private static boolean isAtOrBelow(String path, Set<String> roots) {
    return roots.stream().anyMatch(u -> path.equals(u) || path.startsWith(u + "/"));
  }

  /**
   * The paths an operation in flight may have changed: those it names and where symlinks on the
   * way lead them (a write through a dangling link creates its target), what is below them, and
   * every other name of a file among them (a write through one hard link changes them all, a
   * rename over one changes the others' link count).
   */
  private static Set<String> unsettledBy(TreeOperation op, Path model) throws IOException {
    Set<String> named = new HashSet<>();
    for (String path : op.touched()) {
      named.addAll(reached(model, path));
    }
    Map<Object, List<String>> namesOfFile = new HashMap<>();
    Set<Object> touchedFiles = new HashSet<>();
    List<Path> paths;
    try (Stream<Path> s = Files.walk(model)) {
      paths = s.toList();
    }
    for (Path p : paths) {
      BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!a.isRegularFile()) {
        continue;
      }
      String rel = model.relativize(p).toString();
      namesOfFile.computeIfAbsent(a.fileKey(), k -> new ArrayList<>()).add(rel);
      if (isAtOrBelow(rel, named)) {
        touchedFiles.add(a.fileKey());
      }
    }
    Set<String> out = new TreeSet<>(named);
    touchedFiles.forEach(k -> out.addAll(namesOfFile.get(k)));
    return out;
  }

  /** {@code path} and, where symlinks lead it elsewhere in the tree, where it ends up. */
  private static Set<String> reached(Path model, String path) throws IOException {
    Set<String> out = new HashSet<>(Set.of(path));
    Path root = model.toRealPath();
    Path p = model.resolve(path);
    for (int hops = 0; hops < 8; hops++) {
      Path parent = p.getParent();
      if (!Files.isDirectory(parent)) {
        break;
      }
      p = parent.toRealPath().resolve(p.getFileName());
      if (p.startsWith(root)) {
        out.add(root.relativize(p).toString());
      }
      if (!Files.isSymbolicLink(p)) {
        break;
      }
      p = p.getParent().resolve(Files.readSymbolicLink(p)).normalize();
    }
    return out;
  }

  private static void resetModelTo(Path mount, Path model) throws IOException, InterruptedException {
    Process rm = new ProcessBuilder("rm", "-rf", model.toString()).inheritIO().start();
    assertThat(rm.waitFor()).isZero();
    Process cp = new ProcessBuilder("cp", "-a", mount.toString(), model.toString()).inheritIO().start();
    assertThat(cp.waitFor()).isZero();
  }

  private static void assertClean(Path repoDir, String when) throws IOException {
    try (Repository repo = Repository.open(repoDir)) {
      Versions v = Versions.of(repo);
      List<ObjectId> roots = new ArrayList<>(v.refs().versionsNewestFirst());
      roots.addAll(v.refs().all().values());
      FsckReport report = new Fsck(repo.objects()).roots(roots).threads(1).run();
      assertThat(report.isClean()).as("seed " + SEED + ", fsck " + when + ":\n" + String.join("\n", report.lines()))
          .isTrue();
    }
  }
}
