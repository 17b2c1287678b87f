package org.casfs.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A daemon started while a command holds its repository (at boot beside a {@code casfs status}, or
 * a script that runs {@code casfs log} just after starting the server) waits for the command to
 * finish instead of failing with "in use", and says whom it waits for. Real {@code casfs serve} and
 * {@code casfs peer} processes; the command is a second JVM that holds the repository until told.
 */
class DaemonWaitsForLockTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"serve", "peer"})
  void aDaemonWaitsForACommandThatHoldsTheRepository(String daemon) throws Exception {
    Path repo = tmp.resolve("repo");
    ok(CliRunner.forRepo(repo).run("init"));
    Path log = tmp.resolve(daemon + ".log");
    runBesideHolder(repo, log,
        () -> daemon.equals("serve") ? ServeProcess.start(repo, log) : ServeProcess.startPeer(repo, log));
  }

  /**
   * As above after a daemon was killed: its control socket's file is still there. The new server
   * must not take that file for a live daemon holding the repository (it gave up at once, exit 6,
   * while the command that held it was a {@code casfs log}), and replaces it once it is up.
   */
  @Test
  void aDaemonWaitsForACommandThoughAKilledDaemonLeftItsSocket() throws Exception {
    Path repo = tmp.resolve("origin");
    ok(CliRunner.forRepo(repo).run("init"));
    Path socket = repo.resolve("control.sock");
    try (ServerSocketChannel stale = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      stale.bind(UnixDomainSocketAddress.of(socket)); // closed without removing the file, as by SIGKILL
    }
    assertThat(socket).exists();
    Path log = tmp.resolve("serve.log");
    runBesideHolder(repo, log, () -> ServeProcess.start(repo, log));
    assertThat(Files.readString(log)).contains("replaced a stale control socket");
  }

  /**
   * The other order: a command meets a daemon that took the repository after the launcher looked
   * for one, before its control socket was up (a start takes ~0.5 s). Made slow on purpose here:
   * the running server's socket is moved away, so the command finds the repository locked and no
   * socket, waits, opens, and finds the lock held by {@code casfs serve}; the socket comes back
   * while it waits the second time, and the command runs inside the server.
   */
  @Test
  void aCommandThatMeetsAStartingDaemonRunsInsideIt() throws Exception {
    Path repo = tmp.resolve("origin");
    CliRunner cli = CliRunner.forRepo(repo);
    ok(cli.run("init"));
    ok(cli.run("import", TestTreeFiles.write(tmp.resolve("tree"), 1).toString(), "--label", "first", "--switch"));
    ServeProcess serve = ServeProcess.start(repo, tmp.resolve("serve.log"));
    Path socket = repo.resolve("control.sock");
    Path away = repo.resolve("control.sock.away");
    try {
      Files.move(socket, away);
      Thread back = new Thread(() -> {
        try {
          // past the launcher's wait for a starting daemon (3 s), inside the command's own
          Thread.sleep(org.casfs.tools.daemon.ControlClient.STARTING_WAIT_MS + 1500);
          Files.move(away, socket);
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      }, "socket-back");
      back.start();
      CliRunner.Result log = cli.run("log");
      back.join();
      assertThat(log.code()).as(log.toString()).isZero();
      assertThat(log.out()).contains("first");
      assertThat(log.err()).isEmpty();
      assertThat(serve.isAlive()).isTrue();
    } finally {
      if (Files.exists(away)) {
        Files.move(away, socket);
      }
      serve.stop();
    }
  }

  private interface DaemonStart {
    ServeProcess start() throws Exception;
  }

  /**
   * Holds {@code repo} in another process, starts the daemon, lets go once the daemon's log says it
   * waits for that process, and checks the daemon then comes up.
   */
  private static void runBesideHolder(Path repo, Path log, DaemonStart daemon) throws Exception {
    Process holder = HoldRepository.start(repo);
    Thread release = null;
    ServeProcess started = null;
    try {
      String waiting = "waiting for process " + holder.pid() + " (HoldRepository " + repo + ") to let go of " + repo;
      release = new Thread(() -> {
        try {
          while (!(Files.exists(log) && Files.readString(log).contains(waiting))) {
            Thread.sleep(50);
          }
          Thread.sleep(500); // the daemon keeps waiting while the lock is held
          holder.getOutputStream().close();
        } catch (Exception e) {
          holder.destroyForcibly();
        }
      }, "release-holder");
      release.setDaemon(true);
      release.start();
      started = daemon.start(); // up once it serves and its control socket exists
      assertThat(Files.readString(log)).contains(waiting);
      assertThat(holder.waitFor(20, TimeUnit.SECONDS)).as("the holder finished first").isTrue();
      assertThat(started.isAlive()).isTrue();
    } finally {
      if (started != null) {
        started.stop();
      }
      HoldRepository.release(holder);
      if (release != null) {
        release.interrupt();
      }
    }
  }

  private static CliRunner.Result ok(CliRunner.Result r) {
    assertThat(r.code()).as(r.toString()).isZero();
    return r;
  }
}
