package org.casfs.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real launcher {@code tools/casfs}, run as a separate process from another working
 * directory: it passes arguments and exit codes through, and an unreadable file during import
 * (as root: with the DAC override capabilities dropped by {@code setpriv}) fails with one line,
 * exit 5, and leaves the repository as it was. The classpath comes from this test run
 * ({@code CASFS_CLASSPATH}), since during {@code mvn verify} the tools jar is not packaged yet.
 */
class LauncherTest {
  @TempDir Path tmp;

  record Run(int code, String out, String err) {}

  private Run casfs(Path repo, String... args) throws IOException, InterruptedException {
    return casfs(repo, List.of(), args);
  }

  private Run casfs(Path repo, List<String> prefix, String... args) throws IOException, InterruptedException {
    Path launcher = Path.of(System.getProperty("user.dir"), "casfs");
    List<String> cmd = new ArrayList<>(prefix);
    cmd.add(launcher.toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.environment().put("CASFS_REPO", repo.toString());
    pb.environment().put("CASFS_CLASSPATH", System.getProperty("java.class.path"));
    pb.environment().remove("CASFS_DEBUG");
    Path out = tmp.resolve("out.txt");
    Path err = tmp.resolve("err.txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    try {
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        throw new AssertionError("casfs " + String.join(" ", args) + " did not finish in 120 s");
      }
    } finally {
      p.destroyForcibly();
    }
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void theLauncherRunsCommandsFromAnyDirectoryAndPassesExitCodesThrough() throws Exception {
    Path repo = tmp.resolve("repo");
    Path src = TestTreeFiles.write(tmp.resolve("src"), 7);
    assertThat(casfs(repo, "init", "--channel", "school").code()).isZero();
    Run imported = casfs(repo, "import", src.toString(), "--label", "first", "--switch");
    assertThat(imported.code()).as(imported.err()).isZero();
    assertThat(imported.out()).contains("current is now ");
    assertThat(casfs(repo, "cat", "first", "etc/hostname").out()).isEqualTo("laptop-7\n");
    assertThat(casfs(repo, "ls", "current", "/").out()).contains(" etc", " lib -> bin");
    Run help = casfs(repo, "checkout", "--help");
    assertThat(help.code()).isZero();
    assertThat(help.out()).contains("Usage: casfs checkout", "VERSION", "DIR");

    Run unknown = casfs(repo, "cat", "nope", "etc/hostname");
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err()).startsWith("casfs: unknown version 'nope'").hasLineCount(1);
    Run notRepo = casfs(tmp.resolve("src"), "log");
    assertThat(notRepo.code()).isEqualTo(3);
    assertThat(notRepo.err()).hasLineCount(1).contains("is not a casfs repository");
  }

  /**
   * {@code casfs --repo DIR COMMAND}, as {@code git -C DIR} is typed, was "Unknown options:
   * '--repo'"; {@code casfs --help COMMAND} printed the list of commands.
   */
  @Test
  void theRepositoryAndHelpMayComeBeforeTheCommand() throws Exception {
    Path repo = tmp.resolve("repo");
    Path src = TestTreeFiles.write(tmp.resolve("src"), 3);
    Path elsewhere = tmp.resolve("not-a-repo");
    Run init = casfs(elsewhere, "--repo", repo.toString(), "init");
    assertThat(init.code()).as(init.err()).isZero();
    Run imported = casfs(elsewhere, "--repo=" + repo, "import", src.toString(), "--label", "first");
    assertThat(imported.code()).as(imported.err()).isZero();
    assertThat(casfs(elsewhere, "--repo", repo.toString(), "cat", "first", "etc/hostname").out())
        .isEqualTo("laptop-3\n");
    Run help = casfs(elsewhere, "--help", "serve");
    assertThat(help.code()).isZero();
    assertThat(help.out()).as("'casfs --help serve' is serve's help").startsWith("Usage: casfs serve");
    Run typo = casfs(elsewhere, "--repo", repo.toString(), "--bogus", "log");
    assertThat(typo.code()).isEqualTo(2);
    assertThat(typo.err()).hasLineCount(1);
  }

  @Test
  void anUnreadableFileFailsTheImportWithExit5AndTheRepositoryUnchanged() throws Exception {
    Path repo = tmp.resolve("repo");
    assertThat(casfs(repo, "init").code()).isZero();
    assertThat(casfs(repo, "import", TestTreeFiles.write(tmp.resolve("v1"), 1).toString(), "--switch").code()).isZero();
    Path src = TestTreeFiles.write(tmp.resolve("v2"), 2);
    for (int i = 0; i < 8; i++) {
      Files.write(src.resolve("bin/more" + i + ".bin"), new byte[50_000 + i]); // loose blobs to undo
    }
    Path secret = src.resolve("etc/shadow");
    Files.writeString(secret, "root:*:\n");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));
    String before = RepoFingerprint.of(repo);

    // Root reads anything; without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH it obeys modes.
    List<String> asPlainUser = TestTreeFiles.isRoot()
        ? List.of("setpriv", "--bounding-set", "-dac_override,-dac_read_search") : List.of();
    Run r = casfs(repo, asPlainUser, "import", src.toString(), "--switch");
    assertThat(r.code()).as(r.err()).isEqualTo(5);
    assertThat(r.err()).startsWith("casfs: ").contains(secret.toString(), "Permission denied", "; ").hasLineCount(1);
    assertThat(r.out()).isEmpty();
    assertThat(RepoFingerprint.of(repo)).isEqualTo(before);
  }

  /**
   * A data block of the database damaged on disk (a bad sector): fsck says so in one line, exit 4.
   * Its checking threads went on reading after the main thread met the damage and closed the
   * repository, and the JVM died in RocksDB's native code (SIGSEGV, exit 134, an hs_err file).
   */
  @Test
  void aDamagedDatabaseBlockFailsFsckInOneLineWithoutCrashingTheJvm() throws Exception {
    Path repo = tmp.resolve("repo");
    Path src = tmp.resolve("small");
    java.util.Random random = new java.util.Random(20261130L);
    for (int d = 0; d < 20; d++) {
      Path dir = Files.createDirectories(src.resolve("d" + d));
      for (int f = 0; f < 200; f++) {
        byte[] bytes = new byte[1024 + random.nextInt(4096)]; // inline blobs, in the database's tables
        random.nextBytes(bytes);
        Files.write(dir.resolve("f" + f), bytes);
      }
    }
    assertThat(casfs(repo, "init").code()).isZero();
    assertThat(casfs(repo, "import", src.toString(), "--switch").code()).isZero();
    assertThat(casfs(repo, "log").code()).isZero(); // opening writes what the log holds into tables
    Path largest;
    try (var files = Files.list(repo.resolve("db"))) {
      largest = files.filter(f -> f.toString().endsWith(".sst"))
          .max(java.util.Comparator.comparingLong(f -> f.toFile().length())).orElseThrow();
    }
    assertThat(Files.size(largest)).isGreaterThan(1 << 20);
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(largest,
        java.nio.file.StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1}), Files.size(largest) / 2);
    }
    for (int round = 0; round < 3; round++) { // the crash was a race: it came in every run by hand
      Run fsck = casfs(repo, "fsck");
      assertThat(fsck.code()).as(fsck.err()).isEqualTo(4);
      assertThat(fsck.err()).hasLineCount(1).startsWith("casfs: the repository's database is damaged: Corruption")
          .doesNotContain("fatal error");
    }
    try (var left = Files.list(tmp)) {
      assertThat(left.filter(f -> f.getFileName().toString().startsWith("hs_err"))).isEmpty();
    }
  }

  /**
   * A checkout without the power to give files their owners (here root without CAP_CHOWN, as a
   * plain user is) says that only root restores owners, and leaves nothing.
   */
  @Test
  void aCheckoutThatMayNotSetOwnersSaysRootIsNeededAndLeavesNothing() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(TestTreeFiles.isRoot(), "needs root to make a file of another owner");
    Path repo = tmp.resolve("repo");
    Path src = TestTreeFiles.write(tmp.resolve("src"), 5);
    Files.writeString(src.resolve("etc/owned"), "someone else's\n");
    Files.setAttribute(src.resolve("etc/owned"), "unix:uid", 4321);
    assertThat(casfs(repo, "init").code()).isZero();
    assertThat(casfs(repo, "import", src.toString(), "--label", "v").code()).isZero();
    Path target = tmp.resolve("co");
    Run r = casfs(repo, List.of("setpriv", "--bounding-set", "-chown"), "checkout", "v", target.toString());
    assertThat(r.code()).as(r.err()).isEqualTo(5);
    assertThat(r.err()).hasLineCount(1).contains("Operation not permitted", "written only by root: run the checkout"
        + " as root");
    assertThat(target).doesNotExist();
  }

  /**
   * SIGTERM (as Ctrl-C's SIGINT, which a shell's background job ignores, so the test sends TERM)
   * during a checkout: the checkout removes what it wrote, says so in one line and exits 143.
   */
  @Test
  void aCheckoutStoppedBySignalIsUndoneAndExits143() throws Exception {
    Path repo = tmp.resolve("repo");
    Path src = tmp.resolve("many");
    for (int d = 0; d < 40; d++) {
      Path dir = Files.createDirectories(src.resolve("d" + d));
      for (int f = 0; f < 250; f++) {
        Files.write(dir.resolve("f" + f), new byte[4096 + d * 250 + f]); // distinct sizes: distinct blobs
      }
    }
    assertThat(casfs(repo, "init").code()).isZero();
    assertThat(casfs(repo, "import", src.toString(), "--label", "many").code()).isZero();

    Path target = tmp.resolve("co");
    Path err = tmp.resolve("checkout-err.txt");
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("user.dir"), "casfs").toString(), "checkout",
        "many", target.toString()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile());
    pb.environment().put("CASFS_REPO", repo.toString());
    pb.environment().put("CASFS_CLASSPATH", System.getProperty("java.class.path"));
    Process p = pb.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.isDirectory(target.resolve("d0")) && p.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(p.isAlive()).as("the checkout is still writing when signalled").isTrue();
      p.destroy(); // SIGTERM, at once
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      p.destroyForcibly();
    }
    String said = Files.readString(err, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(said).isEqualTo(143); // 128 + SIGTERM
    assertThat(said).startsWith("casfs: checkout of many stopped and was undone (" + target + " is as it was): ")
        .contains("interrupted", "; run the command again").hasLineCount(1);
    assertThat(target).as("all it wrote is removed").doesNotExist();
  }
}
