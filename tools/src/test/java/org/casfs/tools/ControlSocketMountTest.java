package org.casfs.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.casfs.fs.MountTable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One owner per repository (issue 4, item 2): a real {@code casfs mount} runs as a child process
 * (the launcher, with this test run's classpath); commands run from this process and from child
 * processes reach it through {@code REPO/control.sock} and answer exactly as direct runs did, with
 * the same exit codes; the mount follows a switch made that way within a second; a stale socket
 * is harmless; a writable mount's transaction is committed through the socket. Every mount is
 * unmounted and every child stopped in {@code finally}.
 */
class ControlSocketMountTest {
  @TempDir Path tmp;

  private Path repo;
  private CliRunner cli;

  private void twoVersions() throws IOException {
    assumeTrue(Files.exists(Path.of("/dev/fuse")), "needs /dev/fuse");
    repo = tmp.resolve("repo");
    cli = CliRunner.forRepo(repo);
    Path a = TestTreeFiles.write(tmp.resolve("a"), 1);
    Path b = TestTreeFiles.write(tmp.resolve("b"), 2);
    ok(cli.run("init"));
    ok(cli.run("import", a.toString(), "--label", "first", "--switch"));
    ok(cli.run("import", b.toString(), "--label", "second"));
  }

  @Test
  void commandsRunInTheMountProcessAndAnswerAsDirectRunsDo() throws Exception {
    twoVersions();
    String[][] same = {{"history"}, {"ls", "current", "/"}, {"cat", "current", "etc/hostname"}, {"log"},
        {"show", "first"}, {"diff", "first", "second", "--summary"}};
    List<CliRunner.Result> direct = new ArrayList<>();
    for (String[] c : same) {
      direct.add(cli.run(c));
    }
    CliRunner.Result directStatus = cli.run("status");
    CliRunner.Result directUnknown = cli.run("switch", "nope");
    assertThat(directUnknown.code()).isEqualTo(2);

    Path mnt = Files.createDirectory(tmp.resolve("mnt"));
    Mount mount = Mount.start(repo, mnt, tmp.resolve("mount.log"));
    try {
      assertThat(Files.readString(mnt.resolve("etc/hostname"))).isEqualTo("laptop-1\n");
      for (int i = 0; i < same.length; i++) {
        CliRunner.Result r = cli.run(same[i]);
        assertThat(r.code()).as(String.join(" ", same[i]) + "\n" + r).isEqualTo(direct.get(i).code());
        assertThat(r.out()).as(String.join(" ", same[i])).isEqualTo(direct.get(i).out());
        assertThat(r.err()).isEqualTo(direct.get(i).err());
      }
      CliRunner.Result status = cli.run("status");
      assertThat(status.code()).isZero();
      assertThat(withoutDiskUse(status.out())).isEqualTo(withoutDiskUse(directStatus.out()));
      CliRunner.Result unknown = cli.run("switch", "nope");
      assertThat(unknown.code()).isEqualTo(2);
      assertThat(unknown.err()).isEqualTo(directUnknown.err());

      // A separate process (the launcher) is served the same way.
      Launched fromChild = Launched.run(repo, tmp, "cat", "current", "etc/hostname");
      assertThat(fromChild.code()).as(fromChild.err()).isZero();
      assertThat(fromChild.out()).isEqualTo("laptop-1\n");

      CliRunner.Result sw = cli.run("switch", "second");
      assertThat(sw.code()).as(sw.toString()).isZero();
      long switched = System.nanoTime();
      awaitContent(mnt.resolve("etc/hostname"), "laptop-2\n", switched);
      assertThat(cli.run("cat", "current", "etc/hostname").out()).isEqualTo("laptop-2\n");

      CliRunner.Result back = cli.run("rollback");
      assertThat(back.code()).as(back.toString()).isZero();
      awaitContent(mnt.resolve("etc/hostname"), "laptop-1\n", System.nanoTime());
      assertThat(cli.run("history").out().lines()).hasSize(3);

      // Relative paths are the client's: a checkout lands in this test's directory, not the daemon's.
      Launched checkout = Launched.run(repo, tmp, "checkout", "second", "out");
      assertThat(checkout.code()).as(checkout.err()).isZero();
      assertThat(Files.readString(tmp.resolve("out/etc/hostname"))).isEqualTo("laptop-2\n");

      CliRunner.Result second = cli.run("mount", tmp.resolve("mnt2").toString());
      assertThat(second.code()).isEqualTo(6);
      assertThat(second.err()).hasLineCount(1).contains("held by casfs mount (pid " + mount.pid() + ")");
      CliRunner.Result init = cli.run("init");
      assertThat(init.code()).isEqualTo(3);
      assertThat(init.err()).hasLineCount(1);

      assertThat(Files.getPosixFilePermissions(repo.resolve("control.sock")))
          .containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
              java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    } finally {
      mount.stop();
    }
    assertThat(repo.resolve("control.sock")).doesNotExist();
    assertThat(cli.run("status").out()).contains("current:   ").doesNotContain("held by");
  }

  @Test
  void gcThroughAPinnedMountKeepsTheVersionItShowsAndCollectsItOnceUnmounted() throws Exception {
    twoVersions();
    Path config = repo.resolve("config");
    Files.writeString(config, Files.readString(config).replaceAll("(?m)^keep=\\d+$", "keep=1"));
    ok(cli.run("switch", "second"));
    ok(cli.run("import", TestTreeFiles.write(tmp.resolve("c"), 3).toString(), "--label", "third", "--switch"));
    // Now 'first' is kept by nothing but the pinned mount below: not current, previous, a pin or the newest.

    Path mnt = Files.createDirectory(tmp.resolve("mnt"));
    Mount mount = Mount.start(repo, mnt, tmp.resolve("mount.log"), "--version", "first");
    try {
      assertThat(Files.readString(mnt.resolve("etc/hostname"))).isEqualTo("laptop-1\n");
      CliRunner.Result gc = cli.run("gc");
      assertThat(gc.code()).as(gc.toString()).isZero();
      assertThat(cli.run("cat", "first", "etc/hostname").out()).as("the shown version survived gc")
          .isEqualTo("laptop-1\n");
      assertThat(cli.run("fsck").code()).isZero();
    } finally {
      mount.stop();
    }
    CliRunner.Result gc = cli.run("gc");
    assertThat(gc.code()).as(gc.toString()).isZero();
    assertThat(cli.run("cat", "first", "etc/hostname").code()).as("collected once nothing shows it").isNotZero();
    assertThat(cli.run("cat", "third", "etc/hostname").out()).isEqualTo("laptop-3\n");
  }

  @Test
  void aStaleSocketIsIgnoredByClientsAndReplacedByTheNextDaemon() throws Exception {
    twoVersions();
    Path socket = repo.resolve("control.sock");
    try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      dead.bind(UnixDomainSocketAddress.of(socket));
    }
    assertThat(socket).exists(); // closing a bound channel leaves the file, as a killed daemon does
    CliRunner.Result local = cli.run("status");
    assertThat(local.code()).as(local.toString()).isZero();
    assertThat(local.out()).contains("current:   ");

    Path mnt = Files.createDirectory(tmp.resolve("mnt"));
    Mount mount = Mount.start(repo, mnt, tmp.resolve("mount.log"));
    try {
      assertThat(Files.readString(tmp.resolve("mount.log"))).contains("replaced a stale control socket");
      CliRunner.Result served = cli.run("switch", "second");
      assertThat(served.code()).as(served.toString()).isZero();
      awaitContent(mnt.resolve("etc/hostname"), "laptop-2\n", System.nanoTime());
    } finally {
      mount.stop();
    }
    assertThat(socket).doesNotExist();
  }

  @Test
  void aCommitThroughTheSocketTurnsTheWritableMountsChangesIntoAVersion() throws Exception {
    twoVersions();
    Path mnt = Files.createDirectory(tmp.resolve("mnt"));
    Mount mount = Mount.start(repo, mnt, tmp.resolve("mount.log"), "--writable");
    try {
      Files.writeString(mnt.resolve("etc/motd"), "written through the mount\n");
      assertThat(cli.run("status").out()).contains("transaction: ").contains("'casfs commit' or 'casfs abort'");
      CliRunner.Result commit = cli.run("commit", "--label", "x");
      assertThat(commit.code()).as(commit.toString()).isZero();
      assertThat(cli.run("cat", "x", "etc/motd").out()).isEqualTo("written through the mount\n");
      assertThat(cli.run("cat", "x", "etc/hostname").out()).isEqualTo("laptop-1\n");
      assertThat(cli.run("status").out()).contains("transaction: (none)");
      CliRunner.Result again = cli.run("commit");
      assertThat(again.code()).isEqualTo(2);
      assertThat(again.err()).contains("no open transaction");
      // The mount carries on in a new transaction on the committed version: no remount needed.
      Files.writeString(mnt.resolve("etc/motd2"), "after the first commit\n");
      assertThat(Files.readString(mnt.resolve("etc/motd"))).isEqualTo("written through the mount\n");
      CliRunner.Result second = cli.run("commit", "--label", "y");
      assertThat(second.code()).as(second.toString()).isZero();
      assertThat(cli.run("cat", "y", "etc/motd2").out()).isEqualTo("after the first commit\n");
      assertThat(cli.run("cat", "y", "etc/motd").out()).isEqualTo("written through the mount\n");
      String first = cli.run("show", "x").out().lines().filter(l -> l.startsWith("manifest"))
          .findFirst().orElseThrow().replace("manifest", "").strip();
      assertThat(cli.run("show", "y").out()).as("y's parent is x").containsPattern("(?m)^parent +" + first + "$");
    } finally {
      mount.stop();
    }
    assertThat(cli.run("cat", "x", "etc/motd").out()).isEqualTo("written through the mount\n");
  }

  private static void ok(CliRunner.Result r) {
    assertThat(r.code()).as(r.toString()).isZero();
  }

  static String withoutDiskUse(String status) {
    return status.lines().filter(l -> !l.startsWith("disk use:")).collect(Collectors.joining("\n"));
  }

  /** Waits for the mount to show {@code expected}: the kernel caches entries and attributes for 1 s. */
  private static void awaitContent(Path file, String expected, long since) throws Exception {
    long deadline = since + TimeUnit.MILLISECONDS.toNanos(1500); // 1 s cache + time to read
    String seen = null;
    while (System.nanoTime() < deadline) {
      seen = Files.readString(file);
      if (seen.equals(expected)) {
        return;
      }
      Thread.sleep(50);
    }
    assertThat(seen).as("what " + file + " shows 1.5 s after the flip").isEqualTo(expected);
  }

  /** The real launcher, as a separate process, in {@code cwd}. */
  record Launched(int code, String out, String err) {
    static Launched run(Path repo, Path cwd, String... args) throws IOException, InterruptedException {
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("user.dir"), "casfs").toString()));
      cmd.addAll(List.of(args));
      Path out = Files.createTempFile(cwd, "out", ".txt");
      Path err = Files.createTempFile(cwd, "err", ".txt");
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .redirectOutput(out.toFile()).redirectError(err.toFile());
      pb.environment().put("CASFS_REPO", repo.toString());
      pb.environment().put("CASFS_CLASSPATH", System.getProperty("java.class.path"));
      Process p = pb.start();
      try {
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          throw new AssertionError("casfs " + String.join(" ", args) + " did not finish in 60 s");
        }
      } finally {
        p.destroyForcibly();
      }
      return new Launched(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    }
  }

  /** A {@code casfs mount} child process (the launcher), up once its control socket answers. */
  static final class Mount {
    private final Process process;
    private final Path mountPoint;

    private Mount(Process process, Path mountPoint) {
      this.process = process;
      this.mountPoint = mountPoint;
    }

    static Mount start(Path repo, Path mountPoint, Path log, String... options) throws Exception {
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("user.dir"), "casfs").toString(),
          "mount", mountPoint.toString()));
      cmd.addAll(List.of(options));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      pb.environment().put("CASFS_REPO", repo.toString());
      pb.environment().put("CASFS_CLASSPATH", System.getProperty("java.class.path"));
      Mount m = new Mount(pb.start(), mountPoint);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      try {
        while (!(Files.readString(log).contains("mounted ") && Files.exists(repo.resolve("control.sock")))) {
          if (!m.process.isAlive() || System.nanoTime() > deadline) {
            throw new AssertionError("casfs mount did not come up: " + Files.readString(log));
          }
          Thread.sleep(50);
        }
      } catch (Throwable t) {
        m.stop();
        throw t;
      }
      return m;
    }

    long pid() {
      return process.pid();
    }

    /** Unmounts (the process then exits), or kills our own child and cleans its mount. */
    void stop() throws Exception {
      try {
        if (MountTable.typeAtOrNull(mountPoint) != null) {
          MountTable.fusermountUnmount(mountPoint, false);
        }
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } finally {
        if (process.isAlive()) {
          process.destroyForcibly();
        }
        if (MountTable.typeAtOrNull(mountPoint) != null) {
          MountTable.fusermountUnmount(mountPoint, true);
        }
      }
    }
  }
}
