package org.casfs.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.casfs.cas.store.Repository;
import org.casfs.sync.SyncState;
import org.casfs.sync.server.Server;
import org.casfs.sync.server.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code casfs mount --peer} (issue 6, item 1): one process mounts the laptop's version and runs
 * the peer daemon. When its neighbour (here the origin's server on loopback, a static neighbour)
 * offers a newer signed version, the mount process pulls it, switches, and the mount shows it;
 * the same process serves it onward and answers other commands through its control socket.
 */
class MountPeerTest {
  @TempDir Path tmp;

  @Test
  void aMountWithPeerPullsTheNeighboursNewerVersionAndShowsIt() throws Exception {
    assumeTrue(Files.exists(Path.of("/dev/fuse")), "needs /dev/fuse");
    Path originDir = tmp.resolve("origin");
    CliRunner origin = CliRunner.forRepo(originDir).env("CASFS_KEY", tmp.resolve("origin.key").toString());
    ok(origin.run("init"));
    CliRunner.Result keygen = origin.run("keygen");
    ok(keygen);
    ok(origin.run("import", TestTreeFiles.write(tmp.resolve("a"), 1).toString(), "--label", "first", "--switch"));
    ok(origin.run("sign", "first"));

    Path laptopDir = tmp.resolve("laptop");
    CliRunner laptop = CliRunner.forRepo(laptopDir);
    ok(laptop.run("init"));
    ok(laptop.run("trust", keygen.out().strip()));
    int serverPort;
    try (Repository repo = Repository.open(originDir);
        Server server = new Server(repo.objectDatabase(), new SyncState(repo.kv()), ServerConfig.loopback(0)).start()) {
      ok(laptop.run("pull", server.url(), "--switch"));
      serverPort = Integer.parseInt(server.url().replaceAll(".*:(\\d+)/?$", "$1"));
    }

    Path mnt = Files.createDirectory(tmp.resolve("mnt"));
    Path log = tmp.resolve("mount.log");
    ControlSocketMountTest.Mount mount = ControlSocketMountTest.Mount.start(laptopDir, mnt, log, "--peer",
        "--peers", "http://127.0.0.1:" + serverPort + "/", "--mdns", "none", "--bind", "127.0.0.1",
        "--port", String.valueOf(freePort()), "--auto-switch", "--poll", "1");
    try {
      assertThat(Files.readString(mnt.resolve("etc/hostname"))).isEqualTo("laptop-1\n");

      // The origin publishes a newer version and serves it again on the same port.
      ok(origin.run("import", TestTreeFiles.write(tmp.resolve("b"), 2).toString(), "--label", "second", "--switch"));
      ok(origin.run("sign", "second"));
      try (Repository repo = Repository.open(originDir);
          Server server = new Server(repo.objectDatabase(), new SyncState(repo.kv()),
              ServerConfig.loopback(serverPort)).start()) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(45);
        String seen = Files.readString(mnt.resolve("etc/hostname"));
        while (!seen.equals("laptop-2\n") && System.nanoTime() < deadline) {
          Thread.sleep(200);
          seen = Files.readString(mnt.resolve("etc/hostname"));
        }
        assertThat(seen).as("the mount after its peer pulled and switched; log:\n" + Files.readString(log))
            .isEqualTo("laptop-2\n");
      }
      String history = laptop.run("history").out();
      assertThat(history).as("the switch was made by the pull, inside the mount process").contains("pull");
      assertThat(Files.readString(log)).contains("pulled").contains("switched to");
    } finally {
      mount.stop();
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void ok(CliRunner.Result r) {
    assertThat(r.code()).as(r.toString()).isZero();
  }
}
