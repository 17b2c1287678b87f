package org.casfs.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A laptop's peer (a 160 MiB heap, as the launcher starts it) asked for an update whose one large
 * file changed throughout: it tries a delta on demand, which is not worth it, and sends the whole
 * file. The delta once grew to 128 MiB before it was given up: OutOfMemoryError in the peer, on
 * every attempt, and the neighbour got nothing.
 */
class PeerHeapTest {
  private static final int SIZE = 160 << 20;

  @TempDir Path tmp;

  @Test
  void aPeerServesALargeFileChangedThroughoutWithoutRunningOutOfHeap() throws Exception {
    CliRunner origin = CliRunner.forRepo(tmp.resolve("origin")).env("CASFS_KEY", tmp.resolve("key").toString());
    assertThat(origin.run("init").code()).isZero();
    String pub = origin.run("keygen").out().strip();
    Path[] sticks = new Path[3];
    for (int v = 1; v <= 2; v++) {
      Path tree = Files.createDirectories(tmp.resolve("v" + v + "/srv"));
      randomFile(tree.resolve("encyclopedia.zim"), v);
      assertThat(origin.run("import", tmp.resolve("v" + v).toString(), "--label", "v" + v).code()).isZero();
      assertThat(origin.run("sign", "v" + v, "--no-deltas").code()).isZero();
      sticks[v] = tmp.resolve("stick-" + v);
      assertThat(origin.run("mirror", sticks[v].toString()).code()).isZero();
      Files.delete(tree.resolve("encyclopedia.zim"));
    }
    CliRunner laptop = laptop("laptop", pub);
    assertThat(laptop.run("pull", "--from-dir", sticks[1].toString(), "--switch").code()).isZero();
    assertThat(laptop.run("pull", "--from-dir", sticks[2].toString(), "--switch").code()).isZero();
    CliRunner neighbour = laptop("neighbour", pub);
    assertThat(neighbour.run("pull", "--from-dir", sticks[1].toString(), "--switch").code()).isZero();

    Path log = tmp.resolve("peer.log");
    ServeProcess peer = ServeProcess.startPeer(tmp.resolve("laptop"), log);
    CliRunner.Result pulled;
    try {
      pulled = neighbour.run("pull", peer.url, "--switch");
    } finally {
      peer.stop();
    }
    assertThat(Files.readString(log)).doesNotContain("OutOfMemoryError");
    assertThat(pulled.code()).as(pulled.toString()).isZero();
    assertThat(neighbour.run("fsck").code()).isZero();
  }

  private CliRunner laptop(String name, String pub) {
    CliRunner laptop = CliRunner.forRepo(tmp.resolve(name));
    assertThat(laptop.run("init").code()).isZero();
    assertThat(laptop.run("trust", pub).code()).isZero();
    return laptop;
  }

  private static void randomFile(Path file, long seed) throws Exception {
    Random r = new Random(seed);
    byte[] chunk = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (int i = 0; i < SIZE / chunk.length; i++) {
        r.nextBytes(chunk);
        out.write(chunk);
      }
    }
  }
}
