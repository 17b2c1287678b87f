package org.casfs.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.casfs.cas.io.Tmpfs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A laptop's peer daemon tends its own disk, as nobody else will: after each update it pulls it
 * runs gc, so versions beyond what gc keeps do not pile up, and an update that does not fit
 * because old versions take the room makes gc run and then goes on. The laptop's repository is on
 * a real tmpfs (the disk), its neighbour is the origin's {@code casfs serve}, both real processes.
 */
class PeerGcTest {
  private static final int BIG = 6 << 20;
  private static final long RESERVE = 64L << 20; // the pull's default reserve of free space

  @TempDir Path tmp;

  @Test
  void thePeerRunsGcAfterAnUpdateAndWhenOneDoesNotFit() throws Exception {
    Path originDir = tmp.resolve("origin");
    CliOrigin origin = CliOrigin.init(originDir, tmp.resolve("origin.key"));
    ServeProcess serve = ServeProcess.start(originDir, tmp.resolve("serve.log"));
    ServeProcess peer = null;
    try (Tmpfs disk = Tmpfs.mount(tmp.resolve("disk"), "size=192m")) {
      Path laptopDir = disk.dir().resolve("repo");
      CliRunner laptop = CliRunner.forRepo(laptopDir);
      try {
        ok(laptop.run("init"));
        Files.writeString(laptopDir.resolve("config"),
            Files.readString(laptopDir.resolve("config")).replaceAll("keep=\\d+", "keep=1"));
        ok(laptop.run("trust", origin.publicKey()));
        // Three versions pulled by hand, as before the daemon ran: v1 is now neither current,
        // previous nor among the newest one, so gc would remove it, but nothing ran gc.
        String[] ids = new String[5];
        for (int v = 1; v <= 3; v++) {
          ids[v] = publish(origin, v);
          ok(laptop.run("pull", serve.url, "--switch"));
        }
        assertThat(laptop.run("ls", ids[1]).code()).as("v1 is there before the daemon runs").isZero();

        Path log = tmp.resolve("peer.log");
        peer = ServeProcess.startPeer(laptopDir, log, "--peers", serve.url, "--auto-switch", "--poll", "1");
        // Another program took the room: v4 (a 6 MiB file new to it) fits only once v1 is gone.
        fillLeaving(disk.dir().resolve("filler"), RESERVE + 3 * (1 << 20));
        ids[4] = publish(origin, 4);

        String text = waitFor(log, "gc after the update", 60);
        assertThat(text).containsPattern("no room for stable#4: gc removed 1 old version, freed 6\\.\\d MiB; pulling again")
            .contains("switched to stable#4 " + ids[4])
            .containsPattern("gc after the update: removed 1 old version, freed 6\\.\\d MiB");
        assertThat(text.indexOf("no room for")).isLessThan(text.indexOf("switched to stable#4"));
        assertThat(laptop.run("ls", ids[1]).err()).as("v1 removed").contains("no version " + ids[1] + " in this repository");
        assertThat(laptop.run("ls", ids[2]).err()).as("v2 removed after the update").contains("no version " + ids[2] + " in this repository");
        assertThat(laptop.run("cat", "previous", "etc/hostname").out()).isEqualTo("laptop-3\n");
        assertThat(laptop.run("cat", "current", "etc/hostname").out()).isEqualTo("laptop-4\n");
        ok(laptop.run("fsck"));

        // The disk fills up for good: gc finds nothing to remove (v4 current, v3 previous), says
        // so once, and the pull, tried every poll, is not logged every poll.
        fillLeaving(disk.dir().resolve("filler2"), RESERVE + (1 << 20));
        publish(origin, 5);
        text = waitFor(log, "no room for stable#5: gc found nothing to remove", 60);
        Thread.sleep(5_000); // five more polls
        text = Files.readString(log);
        assertThat(text.split("pull of stable#5 from ", -1)).as("one failure line for five polls").hasSize(2);
        assertThat(text).contains("the pull is tried again every poll meanwhile, without a line each time");
      } finally {
        if (peer != null) {
          peer.stop();
        }
      }
    } finally {
      serve.stop();
    }
  }

  /** Imports version {@code v} (its own 6 MiB file) on the origin and signs it; returns its id. */
  private String publish(CliOrigin origin, int v) throws IOException {
    Path dir = TestTreeFiles.write(tmp.resolve("tree" + v), v);
    byte[] big = new byte[BIG];
    new Random(100 + v).nextBytes(big);
    Files.write(dir.resolve("bin/own.bin"), big);
    ok(origin.cli().run("import", dir.toString(), "--label", "v" + v, "--switch"));
    ok(origin.cli().run("sign", "v" + v));
    return origin.manifestId("v" + v).name();
  }

  /** Writes {@code file} until the disk it is on has {@code free} bytes left. */
  private static void fillLeaving(Path file, long free) throws IOException {
    byte[] chunk = new byte[1 << 20];
    Arrays.fill(chunk, (byte) 1);
    try (OutputStream out = Files.newOutputStream(file)) {
      long left = Files.getFileStore(file).getUsableSpace() - free;
      for (; left > 0; left -= chunk.length) {
        out.write(chunk, 0, (int) Math.min(chunk.length, left));
      }
    }
  }

  private static String waitFor(Path log, String text, int seconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    String now = Files.readString(log);
    while (!now.contains(text) && System.nanoTime() < deadline) {
      Thread.sleep(200);
      now = Files.readString(log);
    }
    assertThat(now).as("the peer's log").contains(text);
    return now;
  }

  private static void ok(CliRunner.Result r) {
    assertThat(r.code()).as(r.toString()).isZero();
  }
}
