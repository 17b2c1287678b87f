package org.casfs.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.RepoConfig;
import org.casfs.cas.store.Repository;
import org.casfs.txn.Actor;
import org.casfs.txn.Versions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ls, cat, show and log over two hand-made versions, and how VERSION arguments resolve. */
class ReadCommandsTest {
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

  @Test
  void lsListsLikeLsMinusL() {
    CliRunner.Result r = cli.run("ls", "second", "/");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out().lines()).containsExactly(
        "drwxr-xr-x   2     0     0          0 2023-11-14 22:13:20 bin",
        "drwxr-xr-x   2     0     0          0 2023-11-14 22:13:20 dev",
        "drwxr-xr-x   2     0     0          0 2023-11-14 22:13:20 etc",
        "lrwxrwxrwx   1     0     0          7 2023-11-14 22:13:20 lib -> usr/lib",
        "drwxr-xr-x   3     0     0          0 2023-11-14 22:13:20 usr"); // 2 and its subdirectories, as mounted
    assertThat(cli.run("ls", "second", "usr").out()).startsWith("drwxr-xr-x   2     0     0          0 ");
    assertThat(cli.run("ls", "second", "bin").out()).startsWith("-rwsr-xr-x   1     0     0         20 ");
    assertThat(cli.run("ls", "second", "dev").out()).contains("crw-rw-rw-", "1, 3", "null");
    assertThat(cli.run("ls", "second", "/etc/hostname").out()).endsWith(" 5 2023-11-14 22:13:20 /etc/hostname\n");
  }

  @Test
  void catWritesTheBytesOfEachVersion() {
    assertThat(cli.run("cat", "first", "etc/hostname").out()).isEqualTo("alpha\n");
    assertThat(cli.run("cat", "second", "/etc/hostname").out()).isEqualTo("beta\n");
    assertThat(cli.run("cat", v2.name().substring(0, 8), "/usr/lib/empty").stdout()).isEmpty();
  }

  @Test
  void versionsResolveByIdPrefixLabelAndParentSteps() {
    assertThat(cli.run("cat", v1.name(), "etc/hostname").out()).isEqualTo("alpha\n");
    assertThat(cli.run("cat", v1.name().substring(0, 6), "etc/hostname").out()).isEqualTo("alpha\n");
    assertThat(cli.run("cat", "second~1", "etc/hostname").out()).isEqualTo("alpha\n");
    assertThat(cli.run("cat", "current", "etc/hostname").out()).isEqualTo("beta\n");
    CliRunner.Result tooFar = cli.run("cat", "second~2", "etc/hostname");
    assertThat(tooFar.code()).isEqualTo(2);
    assertThat(tooFar.err()).startsWith("casfs: second~2: version ").contains("has no parent")
        .endsWith("\n").hasLineCount(1);
  }

  @Test
  void unknownVersionAndMissingPathAreBadArguments() {
    CliRunner.Result r = cli.run("ls", "nosuchlabel");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("casfs: unknown version 'nosuchlabel'").contains("see 'casfs log'")
        .hasLineCount(1);
    r = cli.run("cat", "first", "/etc/nope");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).startsWith("casfs: no path '/etc/nope' in version first").hasLineCount(1);
    r = cli.run("cat", "first", "/etc");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("is a directory, not a regular file").hasLineCount(1);
    assertThat(r.stdout()).isEmpty();
  }

  @Test
  void pathsFollowSymlinksAsInAChrootOfTheVersion() throws Exception {
    // 'lib -> usr/lib' of the hand-made versions, and links of every kind added by an import.
    java.nio.file.Path src = tmp.resolve("src");
    java.nio.file.Files.createDirectories(src.resolve("usr/lib"));
    java.nio.file.Files.createDirectories(src.resolve("etc"));
    java.nio.file.Files.writeString(src.resolve("usr/lib/os-release"), "ID=debian\n");
    java.nio.file.Files.createSymbolicLink(src.resolve("lib"), Path.of("usr/lib"));
    java.nio.file.Files.createSymbolicLink(src.resolve("etc/os-release"), Path.of("../usr/lib/os-release"));
    java.nio.file.Files.createSymbolicLink(src.resolve("etc/absolute"), Path.of("/lib/os-release"));
    java.nio.file.Files.createSymbolicLink(src.resolve("etc/climbing"), Path.of("../../../../lib/os-release"));
    java.nio.file.Files.createSymbolicLink(src.resolve("etc/loop-a"), Path.of("loop-b"));
    java.nio.file.Files.createSymbolicLink(src.resolve("etc/loop-b"), Path.of("loop-a"));
    assertThat(cli.run("import", src.toString(), "--label", "links").code()).isZero();
    // (links that point out of the temporary directory make JUnit warn when it cleans up)
    java.nio.file.Files.delete(src.resolve("etc/absolute"));
    java.nio.file.Files.delete(src.resolve("etc/climbing"));

    for (String path : List.of("usr/lib/os-release", "lib/os-release", "etc/os-release", "etc/absolute",
        "etc/climbing", "etc/../lib/./os-release", "/../../lib/os-release")) {
      assertThat(cli.run("cat", "links", path).out()).as(path).isEqualTo("ID=debian\n");
    }
    assertThat(cli.run("show", "links", "etc/os-release").out()).as("show: the link itself")
        .contains("type      symlink");
    assertThat(cli.run("ls", "links", "lib").out()).as("ls: the link itself").contains("lib -> usr/lib");
    assertThat(cli.run("ls", "links", "lib/").out()).as("ls DIR/: what it points at").contains(" os-release");
    assertThat(cli.run("cat", "second", "lib/empty").code()).as("into a hand-made version's lib").isZero();
    CliRunner.Result loop = cli.run("cat", "links", "etc/loop-a");
    assertThat(loop.code()).isEqualTo(2);
    assertThat(loop.err()).hasLineCount(1).contains("path 'etc/loop-a' in version links: too many levels of symbolic links");
  }

  @Test
  void showPrintsManifestsTreesBlobsAndEntries() {
    String m = cli.run("show", "second").out();
    assertThat(m).contains("manifest  " + v2, "label     second", "sequence  2", "parent    " + v1,
        "channel   stable");
    String root = m.lines().filter(l -> l.startsWith("root      tree ")).findFirst().orElseThrow()
        .substring("root      tree ".length(), "root      tree ".length() + 40);
    String tree = cli.run("show", root).out();
    assertThat(tree).startsWith("tree " + root + "  5 entries").contains(" etc  tree ");
    String entry = cli.run("show", "second", "/bin/tool").out();
    assertThat(entry).contains("type      regular", "mode 4755", "xattr     user.note=\"hi\"");
    String blobId = entry.lines().filter(l -> l.startsWith("blob ")).findFirst().orElseThrow().substring(10, 50);
    assertThat(cli.run("show", blobId).out()).contains("size      20 (20 B)", "stored    inline in the index");
  }

  @Test
  void logFollowsParentsNewestFirst() {
    CliRunner.Result r = cli.run("log");
    assertThat(r.code()).isZero();
    assertThat(r.out().lines()).hasSize(2);
    assertThat(r.out().lines().findFirst().orElseThrow()).startsWith(v2.name() + "  seq 2")
        .endsWith("second  (current)");
    assertThat(cli.run("log", "-n", "1", "first").out().lines()).singleElement().asString().startsWith(v1.name());
  }

  /**
   * Names are listed so that no two entries print alike and none hides: an arrow inside a
   * symlink's name or target, spaces at a name's ends and bidirectional overrides are escaped, as
   * are the bytes of an xattr's name in show; cat says what a dangling link and a device are.
   */
  @Test
  void oddNamesPrintUnambiguouslyAndCatSaysWhatAPathIs() throws Exception {
    Path src = tmp.resolve("odd");
    java.nio.file.Files.createDirectories(src.resolve("one"));
    java.nio.file.Files.createDirectories(src.resolve("two"));
    java.nio.file.Files.createSymbolicLink(src.resolve("one/a -> b"), Path.of("c"));
    java.nio.file.Files.createSymbolicLink(src.resolve("two/a"), Path.of("b -> c"));
    java.nio.file.Files.writeString(src.resolve(" lead"), "");
    java.nio.file.Files.writeString(src.resolve("trail "), "");
    java.nio.file.Files.writeString(src.resolve("exe\u202etxt.sh"), "");
    java.nio.file.Files.createSymbolicLink(src.resolve("dangling"), Path.of("nowhere"));
    byte[] f = org.casfs.cas.posix.Posix.bytes(java.nio.file.Files.writeString(src.resolve("f"), "x"));
    org.casfs.cas.posix.Posix.setXattr(f, "user.caf\u00e9\n\u0001", new byte[] {'v'});
    org.casfs.cas.posix.Posix.mknod(org.casfs.cas.posix.Posix.bytes(src.resolve("null")), 0020666, 0x103);
    assertThat(cli.run("import", src.toString(), "--label", "odd").code()).isZero();

    assertThat(cli.run("ls", "odd", "one").out()).endsWith(" a -\\x3e b -> c\n");
    assertThat(cli.run("ls", "odd", "two").out()).endsWith(" a -> b -\\x3e c\n");
    assertThat(cli.run("ls", "odd", "/").out()).contains(" \\x20lead\n", " trail\\x20\n",
        " exe\\xe2\\x80\\xaetxt.sh\n");
    assertThat(cli.run("show", "odd", "f").out()).contains("xattr     user.caf\\xe9\\x0a\\x01=\"v\"\n");
    CliRunner.Result dangling = cli.run("cat", "odd", "dangling");
    assertThat(dangling.code()).isEqualTo(2);
    assertThat(dangling.err()).hasLineCount(1).startsWith("casfs: 'dangling' in version odd is a symlink to 'nowhere',"
        + " which leads to nothing in the version");
    assertThat(cli.run("cat", "odd", "null").err()).hasLineCount(1)
        .startsWith("casfs: 'null' in version odd is a char device, not a regular file");
  }

  /** diff ends with the bytes of content the old version lacks: beta's hostname, 5 bytes, and nothing for a copy. */
  @Test
  void diffEndsWithTheContentNewToTheOldVersion() throws Exception {
    assertThat(cli.run("diff", "first", "second").out()).endsWith("; 5 B of content new to V1 (fetched without"
        + " deltas)\n");
    assertThat(cli.run("diff", "second", "first", "--summary").out()).endsWith("; 6 B of content new to V1"
        + " (fetched without deltas)\n");
  }
}
