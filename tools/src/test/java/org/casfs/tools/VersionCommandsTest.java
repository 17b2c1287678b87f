package org.casfs.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.RepoConfig;
import org.casfs.cas.store.Repository;
import org.casfs.txn.Actor;
import org.casfs.txn.Transaction;
import org.casfs.txn.Versions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** switch, rollback, history, status, pin, unpin, commit and abort through the CLI. */
class VersionCommandsTest {
  @TempDir Path tmp;
  Path repoDir;
  ObjectId v1;
  ObjectId v2;
  CliRunner cli;

  @BeforeEach
  void twoVersions() throws Exception {
    repoDir = tmp.resolve("repo");
    try (Repository repo = Repository.init(repoDir, RepoConfig.defaults())) {
      v1 = HandMadeVersions.write(repo, "alpha\n", "first", null, 1);
      v2 = HandMadeVersions.write(repo, "beta\n", "second", v1, 2);
      Versions.of(repo).rootPointer().switchTo(v2, "test", Actor.COMMAND);
      Versions.release(repo);
    }
    cli = CliRunner.forRepo(repoDir);
  }

  private ObjectId current() throws Exception {
    try (Repository repo = Repository.open(repoDir)) {
      ObjectId c = Versions.of(repo).refs().currentOrNull();
      Versions.release(repo);
      return c;
    }
  }

  /**
   * gc removes old versions while their children still name them as parents (a laptop keeps a
   * few): log ends at the first one gone, and REF~N that reaches one says so, instead of reporting
   * a damaged store (exit 4, "run fsck --repair") or failing inside (exit 1).
   */
  @Test
  void versionsGcRemovedAreNamedAsSuchNotAsDamage() throws Exception {
    ObjectId v3;
    try (Repository repo = Repository.open(repoDir)) {
      v3 = HandMadeVersions.write(repo, "gamma\n", "third", v2, 3);
      Versions.of(repo).rootPointer().switchTo(v3, "test", Actor.COMMAND);
      Versions.release(repo);
    }
    java.nio.file.Files.writeString(repoDir.resolve("config"),
        java.nio.file.Files.readString(repoDir.resolve("config")).replace("keep=3", "keep=1"));
    CliRunner.Result gc = cli.run("gc");
    assertThat(gc.code()).as(gc.toString()).isZero();
    assertThat(gc.out()).contains("removed version " + v1.name());

    CliRunner.Result log = cli.run("log");
    assertThat(log.code()).as(log.toString()).isZero();
    assertThat(log.out().lines()).hasSize(3).last().asString()
        .isEqualTo(v1.name() + "  and older: not kept here (removed by gc)");
    for (List<String> args : List.of(List.of("show", "current~2"), List.of("ls", "current~2"),
        List.of("diff", "current~2", "current"), List.of("checkout", "current~2", tmp.resolve("out").toString()))) {
      BadInputTest.assertOneLine(cli.run(args.toArray(String[]::new)), 2,
          "current~2 is version " + v1.name() + ", which this repository no longer keeps (gc removed it)");
    }
    assertThat(cli.run("fsck").code()).isZero();
  }

  @Test
  void switchRollbackAndHistory() throws Exception {
    CliRunner.Result r = cli.run("switch", "first");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("current: " + v1, "previous: " + v2);
    assertThat(current()).isEqualTo(v1);
    assertThat(cli.run("switch", "first").out()).startsWith("already current");
    r = cli.run("rollback");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(current()).isEqualTo(v2);
    r = cli.run("rollback", "--to", v1.name().substring(0, 10));
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(current()).isEqualTo(v1);
    r = cli.run("history");
    assertThat(r.out().lines()).hasSize(4);
    assertThat(r.out().lines().findFirst().orElseThrow()).startsWith("4 ").contains("-> " + v1.name(), "rollback");
    r = cli.run("status");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("current:   " + v1.name() + "  first", "previous:  " + v2.name(), "transaction: (none)",
        "disk use:");
  }

  /**
   * Disk use is what the repository occupies: a 64 MiB file of zeros but its last byte is stored
   * with a hole and counts ~4 KiB. Before, status counted file sizes and said 64 MiB.
   */
  @Test
  void statusCountsTheDiskASparseBlobOccupiesNotItsSize() throws Exception {
    Path src = java.nio.file.Files.createDirectories(tmp.resolve("sparse"));
    try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(src.resolve("disk.img").toFile(), "rw")) {
      f.seek((64L << 20) - 1);
      f.write(1);
    }
    CliRunner.Result r = cli.run("import", src.toString());
    assertThat(r.code()).as(r.toString()).isZero();
    r = cli.run("status");
    String objects = r.out().lines().filter(l -> l.startsWith("disk use:")).findFirst().orElseThrow()
        .replaceAll("disk use:  objects ([^,]*),.*", "$1");
    assertThat(objects).as(r.out()).matches("[0-9.]+ (B|KiB)");
  }

  @Test
  void badVersionsAreOneLineAndChangeNothing() throws Exception {
    CliRunner.Result r = cli.run("switch", "nosuch");
    assertThat(r.code()).as(r.toString()).isEqualTo(2);
    assertThat(r.err().lines()).hasSize(1);
    assertThat(r.err()).contains("unknown version 'nosuch'");
    r = cli.run("rollback", "--to", "first");
    assertThat(r.code()).as(r.toString()).isEqualTo(2);
    assertThat(r.err()).contains("never ran here");
    assertThat(current()).isEqualTo(v2);

    Path fresh = tmp.resolve("fresh");
    Repository.init(fresh, RepoConfig.defaults()).close();
    r = CliRunner.forRepo(fresh).run("rollback");
    assertThat(r.code()).as(r.toString()).isEqualTo(7);
    assertThat(r.err()).contains("no previous version");
    assertThat(cli.run("commit").code()).isEqualTo(2);
    assertThat(cli.run("abort").code()).isEqualTo(2);
    assertThat(cli.run("unpin", "nothing").code()).isEqualTo(2);
  }

  @Test
  void labelsThatWouldNameSomethingElseAreRefused() throws Exception {
    Path src = TestTreeFiles.write(tmp.resolve("src"), 3);
    for (String bad : List.of("", " ", "current", "pin/x", "label/x", "a~1", v1.name())) {
      CliRunner.Result r = cli.run("import", src.toString(), "--label", bad);
      assertThat(r.code()).as("'" + bad + "': " + r).isEqualTo(2);
      assertThat(r.err()).hasLineCount(1).contains("--label");
    }
    CliRunner.Result r = cli.run("commit", "--label", "staged");
    assertThat(r.err()).contains("label 'staged' would read as a ref");
    assertThat(cli.run("log", "--all").out().lines()).as("nothing was imported").hasSize(2);
    assertThat(cli.run("import", src.toString(), "--label", "2026-11").code()).isZero();
    assertThat(cli.run("cat", "2026-11", "etc/hostname").out()).isEqualTo("laptop-3\n");
  }

  /**
   * A label of hex digits shadowed an id prefix: {@code --label 839a} was taken, and then {@code show
   * 839a} showed the object with that prefix while {@code switch 839a} switched to the labelled
   * version. Such labels are refused (from {@link org.casfs.txn.VersionResolver#MIN_PREFIX} digits
   * on: a year too, which may be a prefix); one made before names the same version in every command.
   */
  @Test
  void aLabelThatReadsAsAnIdPrefixIsRefusedAndAnOlderOneMeansTheSameEverywhere() throws Exception {
    Path src = TestTreeFiles.write(tmp.resolve("src"), 3);
    for (String bad : List.of("839a", "2026", "deadbeef", v1.name().substring(0, 12))) {
      CliRunner.Result r = cli.run("import", src.toString(), "--label", bad);
      assertThat(r.code()).as("'" + bad + "': " + r).isEqualTo(2);
      assertThat(r.err()).hasLineCount(1).contains("label '" + bad + "' would read as", "id prefix");
    }
    assertThat(cli.run("log", "--all").out().lines()).as("nothing was imported").hasSize(2);
    for (String fine : List.of("839", "2026-11", "CAFE", "v839a")) {
      CliRunner.Result r = cli.run("import", src.toString(), "--label", fine);
      assertThat(r.code()).as("'" + fine + "': " + r).isZero();
    }

    String legacy = v1.name().substring(0, 6); // the prefix of v1, made a label of a third version
    ObjectId v3;
    try (Repository repo = Repository.open(repoDir)) {
      v3 = HandMadeVersions.write(repo, "gamma\n", legacy, v2, 3);
      Versions.release(repo);
    }
    CliRunner.Result shown = cli.run("show", legacy);
    assertThat(shown.code()).as(shown.toString()).isZero();
    assertThat(shown.out()).as("the label, as switch reads it").contains("manifest  " + v3, "label     " + legacy);
    assertThat(cli.run("switch", legacy).code()).isZero();
    assertThat(current()).isEqualTo(v3);
    assertThat(cli.run("show", v1.name().substring(0, 7)).out()).as("a longer prefix").contains("manifest  " + v1);
  }

  @Test
  void logAllListsTheVersionsNoParentChainReaches() throws Exception {
    Path src = TestTreeFiles.write(tmp.resolve("src"), 3);
    assertThat(cli.run("import", src.toString(), "--label", "side").code()).isZero(); // parent: second
    assertThat(cli.run("switch", "first").code()).isZero();
    assertThat(cli.run("import", src.toString(), "--label", "other").code()).isZero(); // parent: first
    assertThat(cli.run("log").out().lines().map(l -> l.replaceAll(".*  stable  ", "").replaceAll("  \\(.*", "")))
        .containsExactly("other", "first");
    assertThat(cli.run("log", "--all").out().lines().map(l -> l.replaceAll(".*  stable  ", "").replaceAll("  \\(.*", "")))
        .containsExactly("other", "side", "second", "first");
    assertThat(cli.run("log", "--all", "-n", "1").out().lines()).hasSize(1);
    assertThat(cli.run("log", "--all", "first").code()).isEqualTo(2);
  }

  @Test
  void gcNamesEachVersionItRemoves() throws Exception {
    Path src = TestTreeFiles.write(tmp.resolve("src"), 3);
    for (String label : List.of("a", "b", "c", "d")) {
      assertThat(cli.run("import", src.toString(), "--label", label).code()).isZero();
    }
    String a = cli.run("log", "a").out().substring(0, 40);
    CliRunner.Result r = cli.run("gc"); // keeps current (second) and the newest three (d, c, b)
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out().lines().filter(l -> l.startsWith("removed version ")))
        .containsExactly("removed version " + a + "  a", "removed version " + v1.name() + "  first");
    assertThat(cli.run("log", "--all").out().lines()).hasSize(4);
  }

  @Test
  void pinAndUnpin() {
    CliRunner.Result r = cli.run("pin", "first", "--name", "golden");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(cli.run("status").out()).contains("golden  " + v1);
    assertThat(cli.run("switch", "golden").code()).isZero();
    r = cli.run("unpin", "golden");
    assertThat(r.out()).contains("removed 1 pin");
    assertThat(cli.run("pin", "first").out()).contains("pin/" + v1.name());
    assertThat(cli.run("unpin", "first").out()).contains("removed 1 pin");
    // 'current' as a VERSION is the ref: a pin of that name could never be named
    BadInputTest.assertOneLine(cli.run("pin", "first", "--name", "current"), 2, "is a ref's name");
    // hex digits would shadow an id prefix (a pin's name is read first); the version's own id is its default name
    BadInputTest.assertOneLine(cli.run("pin", "first", "--name", v2.name().substring(0, 6)), 2,
        "would read as a version id or id prefix");
    assertThat(cli.run("pin", "first", "--name", v1.name()).code()).isZero();
  }

  @Test
  void commitTheOpenTransactionAndSwitch() throws Exception {
    try (Repository repo = Repository.open(repoDir)) {
      Transaction t = Versions.of(repo).transactions().begin(v2);
      t.write("/etc/hostname", 0, ByteBuffer.wrap("gamma\n".getBytes(StandardCharsets.UTF_8)));
      Versions.release(repo);
    }
    assertThat(cli.run("status").out()).contains("transaction: ", "on " + v2.name());
    CliRunner.Result r = cli.run("commit", "--label", "third", "--switch");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("trees written: 2, files: 1", "current: ");
    assertThat(cli.run("cat", "current", "/etc/hostname").out()).isEqualTo("gamma\n");
    assertThat(cli.run("cat", "third~1", "/etc/hostname").out()).isEqualTo("beta\n");

    try (Repository repo = Repository.open(repoDir)) {
      Versions.of(repo).transactions().begin(v1).unlink("/etc/hostname");
      Versions.release(repo);
    }
    r = cli.run("abort");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(cli.run("status").out()).contains("transaction: (none)");
  }
}
