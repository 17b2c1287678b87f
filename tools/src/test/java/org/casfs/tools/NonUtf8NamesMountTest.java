package org.casfs.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Linux name is any bytes but '/' and NUL, and real images hold names that are not UTF-8
 * (Latin-1 file names from old archives, test fixtures of libraries). Such names survive import,
 * and a real {@code casfs mount} (the launcher, as a child process) lists them byte for byte and
 * opens them. The tree is made and read by shell tools, since this JVM decodes names as UTF-8.
 */
class NonUtf8NamesMountTest {
  @TempDir Path tmp;

  @Test
  void namesThatAreNotUtf8AreListedAndOpenedThroughTheMount() throws Exception {
    assumeTrue(Files.exists(Path.of("/dev/fuse")), "needs /dev/fuse");
    Path src = tmp.resolve("src");
    sh("mkdir -p '" + src + "/d' && cd '" + src + "' && printf latin1 > $'caf\\xe9.txt'"
        + " && printf 'ff fe' > $'bad\\xff\\xfename' && printf utf8 > d/\u00fcn\u00efcode.txt"
        + " && mkdir $'dir\\xe9' && printf deep > $'dir\\xe9/f\\x80'");
    Path repo = tmp.resolve("repo");
    CliRunner cli = CliRunner.forRepo(repo);
    assertThat(cli.run("init").code()).isZero();
    CliRunner.Result imported = cli.run("import", src.toString(), "--switch");
    assertThat(imported.code()).as(imported.toString()).isZero();

    Path mnt = Files.createDirectory(tmp.resolve("mnt"));
    ControlSocketMountTest.Mount mount = ControlSocketMountTest.Mount.start(repo, mnt, tmp.resolve("mount.log"));
    try {
      // Every name, as raw bytes, sorted: the same in the source and through the mount.
      String list = " && find . -mindepth 1 -print0 | sort -z";
      byte[] expected = sh("cd '" + src + "'" + list);
      byte[] seen = sh("cd '" + mnt + "'" + list);
      assertThat(seen).as("names through the mount, as bytes").isEqualTo(expected);
      assertThat(new String(sh("cat '" + mnt + "'/$'caf\\xe9.txt' '" + mnt + "'/$'bad\\xff\\xfename' '"
          + mnt + "'/$'dir\\xe9/f\\x80' '" + mnt + "'/d/\u00fcn\u00efcode.txt"), "UTF-8"))
          .isEqualTo("latin1ff fedeeputf8");
    } finally {
      mount.stop();
    }
  }

  /** Runs a bash command line and returns its standard output; fails on a non-zero exit. */
  private static byte[] sh(String command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(List.of("bash", "-c", command)).redirectErrorStream(false).start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    p.getInputStream().transferTo(out);
    String err = new String(p.getErrorStream().readAllBytes(), "UTF-8");
    int code = p.waitFor();
    assertThat(code).as("bash -c " + command + ": " + err).isZero();
    return out.toByteArray();
  }
}
