package org.casfs.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A laptop's peer (a 160 MiB heap, as the launcher starts it) serving and taking large files. */
class PeerHeapTest {
  private static final int SIZE = 160 << 20;

  @TempDir Path tmp;

  /**
   * Asked for an update whose one large file changed throughout, the peer tries a delta on demand,
   * which is not worth it, and sends the whole file. The delta once grew to 128 MiB before it was
   * given up: OutOfMemoryError in the peer, on every attempt, and the neighbour got nothing.
   */
  @Test
  void aPeerServesALargeFileChangedThroughoutWithoutRunningOutOfHeap() throws Exception {
    CliOrigin school = CliOrigin.init(tmp.resolve("origin"), tmp.resolve("key"));
    CliRunner origin = school.cli();
    String pub = school.publicKey();
    Path[] sticks = new Path[3];
    for (int v = 1; v <= 2; v++) {
      Path tree = Files.createDirectories(tmp.resolve("v" + v + "/srv"));
      randomFile(tree.resolve("encyclopedia.zim"), SIZE, v);
      assertThat(origin.run("import", tmp.resolve("v" + v).toString(), "--label", "v" + v).code()).isZero();
      assertThat(origin.run("sign", "v" + v, "--no-deltas").code()).isZero();
      sticks[v] = tmp.resolve("stick-" + v);
      assertThat(origin.run("mirror", sticks[v].toString()).code()).isZero();
      Files.delete(tree.resolve("encyclopedia.zim"));
    }
    CliRunner laptop = Machines.laptop(tmp.resolve("laptop"), pub);
    assertThat(laptop.run("pull", "--from-dir", sticks[1].toString(), "--switch").code()).isZero();
    assertThat(laptop.run("pull", "--from-dir", sticks[2].toString(), "--switch").code()).isZero();
    CliRunner neighbour = Machines.laptop(tmp.resolve("neighbour"), pub);
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

  /**
   * A laptop's peer taking an update of three 60 MiB files, each changed in a few bytes: a few
   * hundred bytes of deltas. It held every old and new blob whole while it applied them, ran out
   * of heap, and its update loop ended: the laptop stayed on the old version, saying nothing more.
   */
  @Test
  void aPeerAppliesDeltasToLargeFilesWithoutRunningOutOfHeap() throws Exception {
    Path originRepo = tmp.resolve("origin");
    CliOrigin school = CliOrigin.init(originRepo, tmp.resolve("key"));
    CliRunner origin = school.cli();
    String pub = school.publicKey();
    Path v1 = Files.createDirectories(tmp.resolve("v1/srv"));
    Path v2 = Files.createDirectories(tmp.resolve("v2/srv"));
    for (int i = 0; i < 3; i++) {
      randomFile(v1.resolve("part" + i), 60 << 20, i);
      byte[] changed = Files.readAllBytes(v1.resolve("part" + i));
      changed[1_000_000] ^= 1;
      Files.write(v2.resolve("part" + i), changed);
    }
    assertThat(origin.run("import", tmp.resolve("v1").toString(), "--label", "v1").code()).isZero();
    assertThat(origin.run("sign", "v1").code()).isZero();
    Machines.laptop(tmp.resolve("laptop"), pub);
    Path log = tmp.resolve("peer.log");
    ServeProcess server = ServeProcess.start(originRepo, tmp.resolve("serve.log"));
    ServeProcess peer = null;
    try {
      peer = ServeProcess.startPeer(tmp.resolve("laptop"), log, "--peers", server.url, "--auto-switch",
          "--poll", "1");
      awaitLine(log, "switched to stable#1 ");
      assertThat(origin.run("import", tmp.resolve("v2").toString(), "--label", "v2").code()).isZero();
      CliRunner.Result signed = origin.run("sign", "v2");
      assertThat(signed.out()).contains("3 deltas");
      awaitLine(log, "switched to stable#2 ");
    } finally {
      if (peer != null) {
        peer.stop();
      }
      server.stop();
    }
    assertThat(Files.readString(log)).doesNotContain("OutOfMemoryError").contains("bytes received");
  }

  private static void awaitLine(Path log, String text) throws Exception {
    long deadline = System.nanoTime() + 90_000_000_000L;
    while (!Files.readString(log).contains(text)) {
      if (System.nanoTime() > deadline || Files.readString(log).contains("OutOfMemoryError")) {
        throw new AssertionError("no '" + text + "' in the peer's log:\n" + Files.readString(log));
      }
      Thread.sleep(200);
    }
  }

  private static void randomFile(Path file, int size, long seed) throws Exception {
    Random r = new Random(seed);
    byte[] chunk = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (int i = 0; i < size / chunk.length; i++) {
        r.nextBytes(chunk);
        out.write(chunk);
      }
    }
  }
}
