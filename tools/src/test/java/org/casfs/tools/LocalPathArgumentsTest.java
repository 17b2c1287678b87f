package org.casfs.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The directory {@code import} reads and the one {@code checkout} writes are found as the shell's
 * tools find them. A symlink to a directory given as DIR was refused ("is not a directory"), though
 * casfs's own advice for a path that is not UTF-8 is to reach it through a symlink; and {@code ..}
 * was simplified as text: with {@code work/lnk -> ../outer/inner}, {@code import work/lnk/..}
 * imported {@code work} where {@code ls work/lnk/..} shows {@code outer}, and {@code checkout V
 * work/lnk/../co} wrote {@code work/co}. Entries inside the tree stay symlinks.
 */
class LocalPathArgumentsTest {
  @TempDir Path tmp;
  Path src;
  CliRunner cli;

  @BeforeEach
  void repoAndLinks() throws Exception {
    Path repo = tmp.resolve("repo");
    src = TestTreeFiles.write(tmp.resolve("src"), 1);
    cli = CliRunner.forRepo(repo);
    assertThat(cli.run("init").code()).isZero();
    Files.createDirectories(tmp.resolve("outer/inner"));
    Files.writeString(tmp.resolve("outer/marker-outer"), "outer\n");
    Files.createDirectories(tmp.resolve("work"));
    Files.writeString(tmp.resolve("work/marker-work"), "work\n");
    Files.createSymbolicLink(tmp.resolve("work/lnk"), Path.of("../outer/inner"));
    Files.createSymbolicLink(tmp.resolve("srclink"), src);
  }

  private String listing(String version) {
    CliRunner.Result r = cli.run("ls", version, "/");
    assertThat(r.code()).as(r.toString()).isZero();
    return r.out();
  }

  @Test
  void aSymlinkToADirectoryIsImportedAsTheDirectoryItNames() throws Exception {
    CliRunner.Result direct = cli.run("import", src.toString(), "--label", "direct");
    assertThat(direct.code()).as(direct.toString()).isZero();
    String expected = listing("direct");
    assertThat(expected).contains(" etc", " lib -> bin");
    int n = 0;
    for (String viaLink : List.of(tmp + "/srclink", tmp + "/srclink/", tmp + "/srclink/.")) {
      String label = "via-" + n++;
      CliRunner.Result r = cli.run("import", viaLink, "--label", label);
      assertThat(r.code()).as(viaLink + ": " + r).isZero();
      assertThat(listing(label)).as(viaLink).isEqualTo(expected);
      assertThat(cli.run("diff", "direct", label).out()).as(viaLink).startsWith("0 added (0 B), 0 removed (0 B), 0 changed");
    }
    Files.createSymbolicLink(tmp.resolve("filelink"), src.resolve("etc/hostname"));
    BadInputTest.assertOneLine(cli.run("import", tmp + "/filelink"), 2, "filelink is not a directory");
    Files.createSymbolicLink(tmp.resolve("dangling"), tmp.resolve("nowhere"));
    BadInputTest.assertOneLine(cli.run("import", tmp + "/dangling"), 2, "dangling does not exist",
        "a symbolic link to " + tmp.resolve("nowhere"));
  }

  @Test
  void dotDotAfterASymlinkGoesUpFromWhereTheSymlinkLed() throws Exception {
    CliRunner.Result r = cli.run("import", tmp + "/work/lnk/..", "--label", "up", "--switch");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("imported " + tmp.toRealPath().resolve("outer") + ":");
    assertThat(listing("up")).as("outer, as 'ls work/lnk/..' shows it").contains(" inner", " marker-outer")
        .doesNotContain("marker-work");

    CliRunner.Result co = cli.run("checkout", "up", tmp + "/work/lnk/../co");
    assertThat(co.code()).as(co.toString()).isZero();
    assertThat(tmp.resolve("outer/co/marker-outer")).hasContent("outer");
    assertThat(tmp.resolve("work/co")).doesNotExist();
  }

  @Test
  void aCheckoutIntoASymlinkToAnEmptyDirectoryFillsThatDirectory() throws Exception {
    assertThat(cli.run("import", src.toString(), "--label", "v").code()).isZero();
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    Path slink = Files.createSymbolicLink(tmp.resolve("slink"), empty);
    CliRunner.Result r = cli.run("checkout", "v", slink.toString());
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(empty.resolve("etc/hostname")).hasContent("laptop-1");
    assertThat(Files.isSymbolicLink(slink)).as("the link itself stays").isTrue();
    assertThat(Files.isSymbolicLink(empty.resolve("lib"))).as("a symlink inside the tree stays one").isTrue();

    Files.createSymbolicLink(tmp.resolve("dangling"), tmp.resolve("nowhere"));
    BadInputTest.assertOneLine(cli.run("checkout", "v", tmp + "/dangling"), 2,
        "is a symbolic link to " + tmp.resolve("nowhere") + ", which does not exist");
    assertThat(tmp.resolve("nowhere")).doesNotExist();
  }
}
