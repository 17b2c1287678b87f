package org.casfs.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A command's arguments are bytes, and reach casfs as typed: paths with letters beyond ASCII under
 * the POSIX locale (no LANG: cron, systemd units, a minimal Debian), where the JVM alone spells
 * only ASCII, and names in a version that are not UTF-8 at all, through the launcher and through a
 * daemon's control socket (its native client and the Java one). A path on this machine that is not
 * UTF-8, which the JVM cannot open, is refused in one line that names it. Every argument here is
 * written as bash's $'...' bytes, so this JVM's own charset plays no part.
 */
class NonAsciiArgumentsTest {
  // UTF-8: \xc3\xa1 is á, \xc3\xa9 é, \xc3\xb4 ô, \xc3\xbc ü. Alone, \xe9 is Latin-1's é: not UTF-8.
  private static final String IMAGES = "im\\xc3\\xa1genes";
  private static final String LATIN1_NAME = "caf\\xe9";
  private static final String UMLAUT_NAME = "\\xc3\\xbc.txt";

  @TempDir Path tmp;

  record Run(int code, byte[] out, String err) {
    String text() {
      return new String(out, StandardCharsets.UTF_8);
    }
  }

  @Test
  void pathsBeyondAsciiWorkUnderThePosixLocaleAndNamesNeedNotBeUtf8() throws Exception {
    writeImages();
    String repo = "--repo $'" + tmp + "/d\\xc3\\xa9p\\xc3\\xb4t'";
    assertThat(casfs(Map.of(), "init " + repo).code()).isZero();
    Run imported = casfs(Map.of(), "import " + repo + " $'" + tmp + "/" + IMAGES + "' --switch");
    assertThat(imported.code()).as(imported.err()).isZero();

    assertThat(casfs(Map.of(), "cat " + repo + " current $'" + LATIN1_NAME + "'").text()).isEqualTo("latin-1");
    assertThat(casfs(Map.of(), "cat " + repo + " current $'sub/" + UMLAUT_NAME + "'").text()).isEqualTo("umlaut");
    assertThat(casfs(Map.of(), "ls " + repo + " current $'" + LATIN1_NAME + "'").text()).endsWith(" caf\\xe9\n");
    Run missing = casfs(Map.of(), "cat " + repo + " current $'caf\\xe8'");
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).hasLineCount(1).startsWith("casfs: no path 'caf\\xe8' in version current");

    Run checkout = casfs(Map.of(), "checkout " + repo + " current $'" + tmp + "/s\\xc3\\xa1lida'");
    assertThat(checkout.code()).as(checkout.err()).isZero();
    assertThat(bash("cat $'" + tmp + "/s\\xc3\\xa1lida/" + LATIN1_NAME + "' $'" + tmp + "/s\\xc3\\xa1lida/sub/"
        + UMLAUT_NAME + "'").text()).isEqualTo("latin-1umlaut");

    bash("mkdir $'" + tmp + "/x\\xff'");
    Run notUtf8 = casfs(Map.of(), "import " + repo + " $'" + tmp + "/x\\xff'");
    assertThat(notUtf8.code()).isEqualTo(2);
    assertThat(notUtf8.err()).hasLineCount(1).contains("'" + tmp + "/x\\xff' is not UTF-8", "symlink");
  }

  @Test
  void aDaemonWithoutALocaleTakesTheSameArgumentsThroughItsControlSocket() throws Exception {
    writeImages();
    Path repo = tmp.resolve("repo");
    assertThat(casfs(Map.of(), "init --repo '" + repo + "'").code()).isZero();
    ServeProcess serve = ServeProcess.startWithoutLocale(repo, tmp.resolve("serve.log"));
    try {
      for (Map<String, String> client : List.of(Map.<String, String>of(), Map.of("CASFS_NO_FORWARD", "1"))) {
        Run imported = casfs(client, "import --repo '" + repo + "' $'" + tmp + "/" + IMAGES + "' --switch");
        assertThat(imported.code()).as(client + ": " + imported.err()).isZero();
        assertThat(casfs(client, "cat --repo '" + repo + "' current $'" + LATIN1_NAME + "'").text())
            .as("%s", client).isEqualTo("latin-1");
        Run missing = casfs(client, "cat --repo '" + repo + "' current $'caf\\xe8'");
        assertThat(missing.err()).as("%s", client).startsWith("casfs: no path 'caf\\xe8' in version current");
      }
      assertThat(serve.isAlive()).isTrue();
    } finally {
      serve.stop();
    }
  }

  /**
   * A repository path that is not UTF-8, in each place one is given, was a Java stack trace and
   * exit 1 (--repo: the control-socket client's Path.of), or a repository made under another name
   * (CASFS_REPO: the JVM turned \xff into U+FFFD, and init made 'X\xef\xbf\xbd'); an empty --repo
   * was the working directory. Each is refused in one line, exit 2, and nothing is made.
   */
  @Test
  void aRepositoryPathThatIsNotUtf8OrEmptyIsRefusedInOneLine() throws Exception {
    bash("mkdir $'" + tmp + "/R\\xff'"); // it exists: the clients would look for a daemon's socket in it
    for (String args : List.of("ls --repo $'R\\xff' v1", "init --repo $'X\\xff'", "log --repo=$'R\\xff'",
        "--repo $'R\\xff' log")) {
      Run r = casfs(Map.of(), args);
      String which = args.contains("X") ? "X" : "R";
      assertThat(r.code()).as(args + ": " + r.err()).isEqualTo(2);
      assertThat(r.err()).as(args).hasLineCount(1).startsWith("casfs: --repo: the path '" + which + "\\xff' is not UTF-8")
          .contains("symlink").doesNotContain("Exception");
    }
    Run fromVariable = run(Map.of(), "CASFS_REPO=$'X\\xff' exec '" + launcher() + "' init");
    assertThat(fromVariable.code()).as(fromVariable.err()).isEqualTo(2);
    assertThat(fromVariable.err()).hasLineCount(1).startsWith("casfs: CASFS_REPO: the path 'X\\xff' is not UTF-8");
    Run empty = casfs(Map.of(), "init --repo ''");
    assertThat(empty.code()).as(empty.err()).isEqualTo(2);
    assertThat(empty.err()).hasLineCount(1).startsWith("casfs: --repo is empty; give the repository directory");
    String left = bash("ls -A | grep -v -e '^out' -e '^err' | od -An -c | tr -d ' \\n'").text();
    assertThat(left).as("no repository was made, here or under another name").isEqualTo("R377\\n");
  }

  private static String launcher() {
    return LauncherProcess.LAUNCHER.toString();
  }

  /** IMAGES/caf\xe9 and IMAGES/sub/\xc3\xbc.txt, made by bash from bytes. */
  private void writeImages() throws Exception {
    String images = "$'" + tmp + "/" + IMAGES + "'";
    bash("mkdir -p " + images + "/sub && printf latin-1 > " + images + "/$'" + LATIN1_NAME + "' && printf umlaut > "
        + images + "/sub/$'" + UMLAUT_NAME + "'");
  }

  /** The launcher under the POSIX locale, its arguments given as bash words. */
  private Run casfs(Map<String, String> env, String bashArgs) throws Exception {
    String launcher = LauncherProcess.LAUNCHER.toString();
    return run(env, "exec '" + launcher + "' " + bashArgs);
  }

  private Run bash(String command) throws Exception {
    Run r = run(Map.of(), command);
    assertThat(r.code()).as("bash -c %s: %s", command, r.err()).isZero();
    return r;
  }

  private Run run(Map<String, String> env, String command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", command).directory(tmp.toFile());
    ServeProcess.WITHOUT_LOCALE.forEach(pb.environment()::remove);
    pb.environment().remove("CASFS_REPO");
    LauncherProcess.Output o = LauncherProcess.run(pb, tmp, env, "bash -c " + command);
    return new Run(o.code(), o.out(), o.err());
  }

}
