package org.casfs.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code casfs import --exclude}: a tree that holds the repository itself can be imported without it. */
class ImportExcludeTest {
  @TempDir Path tmp;

  @Test
  void aTreeHoldingTheRepositoryImportsWithTheRepositoryExcluded() throws Exception {
    Path repo = tmp.resolve("var/lib/casfs");
    Files.createDirectories(repo.getParent());
    Files.writeString(Files.createDirectories(tmp.resolve("etc")).resolve("hostname"), "laptop-1\n");
    CliRunner cli = CliRunner.forRepo(repo);
    assertThat(cli.run("init").code()).isZero();

    CliRunner.Result r = cli.run("import", tmp.toString(), "--exclude", "/var/lib/casfs", "--label", "root");
    assertThat(r.code()).as(r.toString()).isZero();
    assertThat(r.out()).contains("1 excluded");
    assertThat(cli.run("ls", "root", "var/lib").out()).doesNotContain("casfs");
    assertThat(cli.run("cat", "root", "etc/hostname").out()).isEqualTo("laptop-1\n");
  }
}
