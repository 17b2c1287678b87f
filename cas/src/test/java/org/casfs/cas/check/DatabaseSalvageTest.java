package org.casfs.cas.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.casfs.cas.Manifest;
import org.casfs.cas.ObjectId;
import org.casfs.cas.io.ImportOptions;
import org.casfs.cas.io.ImportResult;
import org.casfs.cas.io.Importer;
import org.casfs.cas.store.DamagedDatabaseException;
import org.casfs.cas.store.DamagedTables;
import org.casfs.cas.store.RepoConfig;
import org.casfs.cas.store.Repository;
import org.casfs.cas.store.SalvageReport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A real repository whose RocksDB table has one damaged block (a flipped byte, as a failing flash
 * cell leaves): fsck stops at it, and the salvage keeps every other record, so that only the
 * objects of that block are lost, and fsck then names them and a re-import stores them again.
 */
class DatabaseSalvageTest {
  private static final int DIRS = 30;
  private static final int FILES_PER_DIR = 100;

  @TempDir
  Path tmp;
  private long seed;
  /** The image every test imports: directories of small files with a few large ones. */
  private Path src;

  @BeforeEach
  void makeTheImage() throws IOException {
    seed = RandomSeed.get();
    src = tmp.resolve("src");
    makeTree(src, new Random(seed));
  }

  @Test
  void aDamagedBlockCostsOnlyItsOwnObjects() throws Exception {
    Path dir = tmp.resolve("repo");
    Imported imported = importVersion(dir, RepoConfig.defaults());
    ObjectId version = imported.manifest();
    DamagedTables.damageLargest(dir);
    try (Repository repo = Repository.open(dir)) {
      assertThatThrownBy(() -> new Fsck(repo.objects()).roots(List.of(version)).run())
          .as("seed " + seed).isInstanceOf(DamagedDatabaseException.class)
          .hasMessageContaining("casfs fsck --repair URL");
    }

    SalvageReport report = Repository.salvage(dir, List.of());

    assertThat(report.wasDamaged()).isTrue();
    assertThat(report.lostRecords()).isTrue();
    long files = (long) DIRS * FILES_PER_DIR;
    assertThat(report.objectsLost()).as("seed " + seed).isPositive().isLessThan(files / 10);
    assertThat(report.damagedCopy()).isDirectory().hasParent(dir);
    assertThat(dir.resolve("db.salvaged")).doesNotExist();
    assertThat(dir.resolve("db").resolve("SALVAGE-COMPLETE")).doesNotExist();
    assertThat(report.lines()).anyMatch(l -> l.contains("casfs fsck --repair URL"));
    try (Repository repo = Repository.open(dir)) {
      FsckReport fsck = new Fsck(repo.objects()).roots(List.of(version)).run();
      assertThat(fsck.problems()).as("seed " + seed).isNotEmpty().allSatisfy(p -> {
        assertThat(p.kind()).isEqualTo(Problem.Kind.MISSING);
        assertThat(p.paths()).isNotEmpty();
      });
      assertThat((long) fsck.problemCount()).isLessThanOrEqualTo(report.objectsLost());
      // What the store still lists, it has: every listed object reads and verifies.
      assertThat(fsck.objectsChecked()).isGreaterThan(files - report.objectsLost() - DIRS);

      ImportResult again = new Importer(repo.objectDatabase()).importDirectory(src, ImportOptions.defaults(), null);
      assertThat(again.root()).isEqualTo(imported.result().root());
      assertThat(again.newObjects()).isPositive().isLessThanOrEqualTo(report.objectsLost());
      assertThat(new Fsck(repo.objects()).roots(List.of(version)).run().problems()).as("seed " + seed).isEmpty();
    }
    assertThat(Repository.salvage(dir, List.of()).wasDamaged()).isFalse();

    // Damaged again: the new damaged copy replaces the old one (a laptop's disk keeps at most one).
    DamagedTables.damageLargest(dir);
    SalvageReport again = Repository.salvage(dir, List.of());
    assertThat(again.wasDamaged()).isTrue();
    assertThat(Repository.damagedDatabaseCopies(dir)).containsExactly(again.damagedCopy());
  }

  /**
   * A damaged block of the object index, whose objects' bytes are all there: loose files are hashed
   * and listed again, and small objects (trees, small blobs, the manifest) are typed by the trees
   * and manifests that name them and checked against the SHA-256 those give. Nothing is lost.
   */
  @Test
  void aDamagedIndexBlockLosesNothing() throws Exception {
    Path dir = tmp.resolve("repo");
    ObjectId version = importVersion(dir, RepoConfig.defaults().withInlineThreshold(512)).manifest();
    DamagedTables.damageLargest(dir, "index");

    SalvageReport report = Repository.salvage(dir, List.of());

    assertThat(report.spaces()).filteredOn(s -> s.name().equals("index")).singleElement()
        .satisfies(s -> assertThat(s.damagedStretches()).isEqualTo(1));
    assertThat(report.relisted()).as("seed " + seed).isPositive();
    assertThat(report.objectsLost()).as("seed " + seed).isZero();
    assertThat(report.lines()).anyMatch(l -> l.contains("listed again"));
    try (Repository repo = Repository.open(dir)) {
      assertThat(new Fsck(repo.objects()).roots(List.of(version)).run().problems()).as("seed " + seed).isEmpty();
    }
  }

  @Test
  void aSoundDatabaseIsLeftAsItIs() throws Exception {
    Path dir = tmp.resolve("repo");
    importVersion(dir, RepoConfig.defaults());
    List<Path> before = listing(dir);

    SalvageReport report = Repository.salvage(dir, List.of());

    assertThat(report.wasDamaged()).isFalse();
    assertThat(report.lines()).singleElement().asString().contains("sound");
    assertThat(listing(dir)).isEqualTo(before);
  }

  @Test
  void killedAtAnyPointTheRepositoryOpensAsBeforeOrAsAfter() throws Exception {
    Random random = new Random(seed);
    Path damaged = tmp.resolve("damaged");
    ObjectId version = importVersion(damaged, RepoConfig.defaults()).manifest();
    DamagedTables.damageLargest(damaged);
    String java = ProcessHandle.current().info().command().orElse("java");
    long fullRunMillis = 0;
    for (int round = 0; round < 6; round++) {
      Path dir = tmp.resolve("round" + round);
      copyTree(damaged, dir);
      Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
          SalvageRunner.class.getName(), dir.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      try {
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).isEqualTo("start");
        long start = System.nanoTime();
        if (round == 0) {
          assertThat(child.waitFor(120, TimeUnit.SECONDS)).isTrue();
          assertThat(child.exitValue()).isZero();
          fullRunMillis = Math.max(1, (System.nanoTime() - start) / 1_000_000);
        } else {
          // half the kills late in the run, where the new database is synced and swapped in
          long from = round % 2 == 0 ? fullRunMillis / 2 : 0;
          Thread.sleep(from + random.nextInt((int) (fullRunMillis - from) + 1));
          child.destroyForcibly();
        }
      } finally {
        child.destroyForcibly();
        child.waitFor(60, TimeUnit.SECONDS);
      }
      String why = "seed " + seed + ", round " + round;
      // Whatever the moment, the repository opens: the damaged database or the salvaged one.
      Repository.open(dir).close();
      Repository.salvage(dir, List.of()); // finishes what was killed, or finds it done
      assertThat(dir.resolve("db.salvaged")).as(why).doesNotExist();
      assertThat(dir.resolve("db").resolve("SALVAGE-COMPLETE")).as(why).doesNotExist();
      try (Stream<Path> kept = Files.list(dir)) {
        assertThat(kept.filter(p -> p.getFileName().toString().startsWith("db.damaged-"))).as(why).hasSize(1);
      }
      try (Repository repo = Repository.open(dir)) {
        FsckReport fsck = new Fsck(repo.objects()).roots(List.of(version)).run();
        assertThat(fsck.problems()).as(why).isNotEmpty()
            .allSatisfy(p -> assertThat(p.kind()).isEqualTo(Problem.Kind.MISSING));
      }
    }
  }

  /**
   * The states a kill can leave around the swap, which lasts too short a time for random kills to
   * find: the new database complete but not swapped in; swapped in, the damaged one not yet
   * renamed; renamed, the marker not yet removed. Each opens, and the next salvage finishes it.
   */
  @Test
  void eachStateAroundTheSwapIsFinishedByTheNextSalvage() throws Exception {
    Path done = tmp.resolve("done");
    ObjectId version = importVersion(done, RepoConfig.defaults()).manifest();
    DamagedTables.damageLargest(done);
    Path damagedDb = tmp.resolve("damaged-db");
    copyTree(done.resolve("db"), damagedDb);
    Path salvagedDb = Repository.salvage(done, List.of()).damagedCopy().resolveSibling("db");

    for (String state : List.of("complete, not swapped", "swapped, not renamed", "renamed, marker left")) {
      Path dir = tmp.resolve(state.replaceAll("[^a-z]", ""));
      copyTree(done, dir);
      deleteTree(dir.resolve("db"));
      try (Stream<Path> kept = Files.list(dir)) {
        for (Path p : (Iterable<Path>) kept.filter(p -> p.getFileName().toString().startsWith("db.damaged-"))::iterator) {
          deleteTree(p);
        }
      }
      switch (state) {
        case "complete, not swapped" -> {
          copyTree(damagedDb, dir.resolve("db"));
          copyTree(salvagedDb, dir.resolve("db.salvaged"));
          Files.createFile(dir.resolve("db.salvaged/SALVAGE-COMPLETE"));
        }
        case "swapped, not renamed" -> {
          copyTree(salvagedDb, dir.resolve("db"));
          Files.createFile(dir.resolve("db/SALVAGE-COMPLETE"));
          copyTree(damagedDb, dir.resolve("db.salvaged"));
        }
        default -> {
          copyTree(salvagedDb, dir.resolve("db"));
          Files.createFile(dir.resolve("db/SALVAGE-COMPLETE"));
          copyTree(damagedDb, dir.resolve("db.damaged-20261130T000000Z"));
        }
      }
      Repository.open(dir).close();

      Repository.salvage(dir, List.of());

      assertThat(dir.resolve("db.salvaged")).as(state).doesNotExist();
      assertThat(dir.resolve("db").resolve("SALVAGE-COMPLETE")).as(state).doesNotExist();
      try (Stream<Path> kept = Files.list(dir)) {
        assertThat(kept.filter(p -> p.getFileName().toString().startsWith("db.damaged-"))).as(state).hasSize(1);
      }
      try (Repository repo = Repository.open(dir)) {
        assertThat(new Fsck(repo.objects()).roots(List.of(version)).run().problems()).as(state).isNotEmpty()
            .allSatisfy(p -> assertThat(p.kind()).isEqualTo(Problem.Kind.MISSING));
      }
      assertThat(Repository.salvage(dir, List.of()).wasDamaged()).as(state).isFalse();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.sorted(java.util.Comparator.reverseOrder())::iterator) {
        Files.delete(p);
      }
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Files.copy(p, to.resolve(from.relativize(p).toString()), StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
  }

  @Test
  void aTableFileGoneCostsOnlyItsOwnObjects() throws Exception {
    Path dir = tmp.resolve("repo");
    Imported imported = importVersion(dir, RepoConfig.defaults());
    Path table = DamagedTables.damageLargest(dir, "data");
    Files.delete(table); // as a filesystem check that moved it to lost+found leaves it
    assertThatThrownBy(() -> Repository.open(dir).close()).isInstanceOf(DamagedDatabaseException.class)
        .hasMessageContaining("casfs fsck --salvage");

    SalvageReport report = Repository.salvage(dir, List.of());

    assertThat(report.damageOrNull()).contains(table.getFileName().toString());
    assertThat(report.objectsLost()).as("seed " + seed).isPositive();
    try (Repository repo = Repository.open(dir)) {
      assertThat(new Fsck(repo.objects()).roots(List.of(imported.manifest())).run().problems()).isNotEmpty()
          .allSatisfy(p -> assertThat(p.kind()).isEqualTo(Problem.Kind.MISSING));
      ImportResult again = new Importer(repo.objectDatabase()).importDirectory(src, ImportOptions.defaults(), null);
      assertThat(again.root()).isEqualTo(imported.result().root());
      // the loose files were kept: only what the table held was stored again
      assertThat(again.newObjects()).isLessThan(imported.result().newObjects());
      // and the manifest, which the table held too, written again as it was
      assertThat(repo.objectDatabase().writeManifest(new Manifest(again.root(), again.rootMeta(), "stable", 1, "v1",
          null, 0)).id()).isEqualTo(imported.manifest());
      assertThat(new Fsck(repo.objects()).roots(List.of(imported.manifest())).run().problems()).as("seed " + seed)
          .isEmpty();
    }
  }

  /** CURRENT, the one-line file through which RocksDB finds its list of files, gone or left empty by a crash. */
  @ParameterizedTest
  @ValueSource(strings = {"gone", "empty"})
  void aLostCurrentFileIsWrittenAgainAndNothingIsLost(String how) throws Exception {
    Path dir = tmp.resolve("repo");
    Imported imported = importVersion(dir, RepoConfig.defaults());
    Repository.open(dir).close();
    Path current = dir.resolve("db").resolve("CURRENT");
    if (how.equals("gone")) {
      Files.delete(current);
    } else {
      Files.write(current, new byte[0]);
    }
    assertThatThrownBy(() -> Repository.open(dir).close()).isInstanceOf(DamagedDatabaseException.class)
        .hasMessageContaining("casfs fsck --salvage");

    SalvageReport report = Repository.salvage(dir, List.of());

    assertThat(report.damageOrNull()).contains("CURRENT", "written again");
    assertThat(report.objectsLost()).isZero();
    assertThat(report.lostRecords()).isFalse();
    try (Repository repo = Repository.open(dir)) {
      assertThat(new Fsck(repo.objects()).roots(List.of(imported.manifest())).run().problems()).isEmpty();
    }
  }

  /** A version imported into a new repository: its manifest and what the import did. */
  private record Imported(ObjectId manifest, ImportResult result) {}

  private Imported importVersion(Path dir, RepoConfig config) throws IOException {
    try (Repository repo = Repository.init(dir, config)) {
      ImportResult imported = new Importer(repo.objectDatabase()).importDirectory(src, ImportOptions.defaults(), null);
      ObjectId manifest = repo.objectDatabase().writeManifest(
          new Manifest(imported.root(), imported.rootMeta(), "stable", 1, "v1", null, 0)).id();
      repo.flush();
      return new Imported(manifest, imported);
    }
  }

  /** Directories of small files (kept in RocksDB) with a few large ones (loose files) among them. */
  private static void makeTree(Path src, Random random) throws IOException {
    for (int d = 0; d < DIRS; d++) {
      Path sub = Files.createDirectories(src.resolve("dir" + d));
      for (int f = 0; f < FILES_PER_DIR; f++) {
        byte[] bytes = new byte[f == 0 ? 40_000 : 200 + random.nextInt(2_000)];
        random.nextBytes(bytes);
        Files.write(sub.resolve("file" + f), bytes);
      }
    }
  }

  private static List<Path> listing(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(p -> !p.getFileName().toString().equals("LOG") && !p.toString().contains("LOG.old"))
          .sorted().toList();
    }
  }
}
