package org.casfs.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.casfs.cas.ChildJvm;
import org.casfs.cas.ObjectId;
import org.casfs.cas.io.Tmpfs;
import org.casfs.cas.store.Repository;
import org.casfs.sync.SyncState;
import org.casfs.sync.delta.DeltaStore;
import org.casfs.sync.server.Server;
import org.casfs.sync.server.ServerConfig;
import org.casfs.tools.command.ServeCommand;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deltas through the CLI: {@code casfs sign} computes them from the previously signed version,
 * {@code casfs delta OLD NEW} by hand, {@code casfs serve}'s server sends them in fetch streams,
 * {@code casfs pull} applies (and keeps) them, {@code casfs mirror} publishes them at
 * {@code /v1/deltas/ab/{old}-{new}}.
 */
class DeltaCommandsTest {
  private static final long SEED = Long.getLong("casfs.seed", System.nanoTime());
  private static final Pattern COUNT = Pattern.compile("delta (\\w{40}) -> (\\w{40}): (\\d+) deltas");

  @TempDir Path tmp;

  /** v1: 8 files of random bytes; v2: the same with a few bytes changed in each. */
  private void trees(Path v1, Path v2) throws Exception {
    Random r = new Random(SEED);
    Files.createDirectories(v1.resolve("lib"));
    Files.createDirectories(v2.resolve("lib"));
    for (int i = 0; i < 8; i++) {
      byte[] a = new byte[60_000 + r.nextInt(60_000)];
      r.nextBytes(a);
      Files.write(v1.resolve("lib/f" + i), a);
      for (int k = 0; k < 4; k++) {
        a[r.nextInt(a.length)] ^= 1;
      }
      Files.write(v2.resolve("lib/f" + i), a);
    }
  }

  @Test
  void signComputesDeltasServePullUsesThemMirrorPublishesThem() throws Exception {
    Path v1 = tmp.resolve("v1");
    Path v2 = tmp.resolve("v2");
    trees(v1, v2);
    Path originDir = tmp.resolve("origin");
    CliRunner origin = CliRunner.forRepo(originDir).env("CASFS_KEY", tmp.resolve("origin.key").toString());
    assertThat(origin.run("init").code()).isZero();
    String pub = origin.run("keygen").out().strip();
    assertThat(origin.run("import", v1.toString(), "--label", "v1").code()).isZero();
    CliRunner.Result s1 = origin.run("sign", "v1");
    assertThat(s1.code()).as(s1.toString()).isZero();
    assertThat(s1.out()).as("nothing signed before: no deltas").doesNotContain("deltas");

    CliRunner client = CliRunner.forRepo(tmp.resolve("client"));
    assertThat(client.run("init").code()).isZero();
    assertThat(client.run("trust", pub).code()).isZero();
    pullFromServe(originDir, client);

    assertThat(origin.run("import", v2.toString(), "--label", "v2").code()).isZero();
    CliRunner.Result s2 = origin.run("sign", "v2");
    assertThat(s2.code()).as(s2.toString()).isZero();
    Matcher m = COUNT.matcher(s2.out());
    assertThat(m.find()).as(s2.out()).isTrue();
    assertThat(Integer.parseInt(m.group(3))).as("seed " + SEED).isEqualTo(8);

    CliRunner.Result byHand = origin.run("delta", "v1", "v2");
    assertThat(byHand.code()).as(byHand.toString()).isZero();
    Matcher h = COUNT.matcher(byHand.out());
    assertThat(h.find()).as(byHand.out()).isTrue();
    assertThat(h.group(3)).isEqualTo("8");
    assertThat(origin.run("delta", "v1", "nope").code()).as("unknown version").isNotZero();

    long sent = pullFromServe(originDir, client);
    assertThat(sent).as("bytes served for 8 changed files of ~90 KB, seed " + SEED).isLessThan(100_000);
    assertThat(client.run("cat", "current", "/lib/f3").stdout()).isEqualTo(Files.readAllBytes(v2.resolve("lib/f3")));
    try (Repository repo = Repository.open(tmp.resolve("client"))) {
      assertThat(DeltaStore.open(repo.stagingDir("deltas"), 1L << 30).deltaNames())
          .as("the client keeps the deltas it applied").hasSize(8);
    }

    Path mirror = tmp.resolve("mirror");
    CliRunner.Result mr = origin.run("mirror", mirror.toString());
    assertThat(mr.code()).as(mr.toString()).isZero();
    assertThat(mr.out()).contains("8 deltas written");
    List<Path> files;
    try (Stream<Path> s = Files.walk(mirror.resolve("v1/deltas"))) {
      files = s.filter(Files::isRegularFile).toList();
    }
    assertThat(files).hasSize(8).allMatch(p -> p.getFileName().toString().matches("\\p{XDigit}{40}-\\p{XDigit}{40}"));
    assertThat(origin.run("mirror", mirror.toString()).out()).contains("0 deltas written");
    byte[] whole = Files.readAllBytes(files.get(0));
    Files.write(files.get(0), java.util.Arrays.copyOf(whole, whole.length / 2)); // a copy cut short
    assertThat(origin.run("mirror", mirror.toString()).out()).contains("1 delta written");
    assertThat(files.get(0)).hasBinaryContent(whole);
  }

  /**
   * An origin switched off while {@code casfs sign} computes the deltas: nothing is offered yet, so
   * no client takes the update without its deltas, and signing again computes them (from the
   * version still offered) and offers it. Before, the head was offered first: the kill left the
   * update offered with few of its deltas, and signing again computed none (the version offered
   * was the new one already).
   */
  @Test
  void aSignKilledWhileItComputesDeltasOffersNothingAndSigningAgainFinishes() throws Exception {
    Path v1 = tmp.resolve("v1");
    Path v2 = tmp.resolve("v2");
    Random r = new Random(SEED);
    Files.createDirectories(v1.resolve("lib"));
    Files.createDirectories(v2.resolve("lib"));
    int files = 200;
    for (int i = 0; i < files; i++) {
      byte[] a = new byte[200_000 + r.nextInt(100_000)];
      r.nextBytes(a);
      Files.write(v1.resolve("lib/f" + i), a);
      a[r.nextInt(a.length)] ^= 1;
      Files.write(v2.resolve("lib/f" + i), a);
    }
    Path originDir = tmp.resolve("origin");
    Path key = tmp.resolve("origin.key");
    CliRunner origin = CliOrigin.init(originDir, key).cli();
    assertThat(origin.run("import", v1.toString(), "--label", "v1").code()).isZero();
    assertThat(origin.run("sign", "v1").code()).isZero();
    assertThat(origin.run("import", v2.toString(), "--label", "v2").code()).isZero();

    Path deltas = originDir.resolve("staging/deltas");
    Process sign = ChildJvm.of(Casfs.class, "sign", "--repo", originDir.toString(), "--key", key.toString(), "v2")
        .redirectErrorStream(true).redirectOutput(tmp.resolve("sign.log").toFile()).start();
    try {
      while (sign.isAlive() && deltaFiles(deltas) == 0) {
        Thread.sleep(2);
      }
      sign.destroyForcibly(); // SIGKILL: the origin lost power
      assertThat(sign.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      sign.destroyForcibly();
    }
    long computed = deltaFiles(deltas);
    assertThat(computed).as("seed " + SEED + ", killed while computing: " + Files.readString(tmp.resolve("sign.log")))
        .isBetween(1L, files - 1L);
    CliRunner.Result status = origin.run("status");
    assertThat(status.out()).as(status.toString()).containsPattern("offered: +\\w+ +stable #1,");

    CliRunner.Result again = origin.run("sign", "v2");
    assertThat(again.code()).as(again.toString()).isZero();
    assertThat(again.out()).contains(" as stable #2 ");
    Matcher m = COUNT.matcher(again.out());
    assertThat(m.find()).as(again.out()).isTrue();
    assertThat(Integer.parseInt(m.group(3))).as("seed " + SEED).isEqualTo(files);
    assertThat(deltaFiles(deltas)).isEqualTo(files);
  }

  /**
   * An origin whose disk is full when it signs: the deltas cannot be stored, so nothing is signed,
   * and the line says why and how to sign without them. Once there is room, signing computes them
   * and offers the version.
   */
  @Test
  void aSignWhoseDeltasDoNotFitSignsNothingAndSaysSo() throws Exception {
    Path v1 = tmp.resolve("v1");
    Path v2 = tmp.resolve("v2");
    trees(v1, v2);
    try (Tmpfs disk = Tmpfs.mount(tmp.resolve("disk"), "size=64m")) {
      CliRunner origin = CliOrigin.init(disk.dir().resolve("origin"), tmp.resolve("origin.key")).cli();
      assertThat(origin.run("import", v1.toString(), "--label", "v1").code()).isZero();
      assertThat(origin.run("sign", "v1").code()).isZero();
      assertThat(origin.run("import", v2.toString(), "--label", "v2").code()).isZero();
      Path filler = disk.dir().resolve("filler");
      FullDiskTest.fillLeaving(filler, 0);

      CliRunner.Result full = origin.run("sign", "v2");
      assertThat(full.code()).as(full.toString()).isEqualTo(ExitCode.IO.code());
      assertThat(full.err().strip().lines()).hasSize(1);
      assertThat(full.err()).containsPattern("casfs: computing the deltas from \\w{40} to \\w{40} failed, so \\w{40}"
          + " was not signed \\(--no-deltas signs it without them\\): .*the disk is full");
      assertThat(origin.run("status").out()).containsPattern("offered: +\\w+ +stable #1,");

      Files.delete(filler);
      CliRunner.Result signed = origin.run("sign", "v2");
      assertThat(signed.code()).as(signed.toString()).isZero();
      assertThat(signed.out()).contains(" as stable #2 ").containsPattern("8 deltas");
    }
  }

  private static long deltaFiles(Path dir) throws Exception {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().matches("\\p{XDigit}{40}-\\p{XDigit}{40}")).count();
    }
  }

  /** Serves the origin with {@code casfs serve}'s server on loopback; the client pulls and switches. */
  private static long pullFromServe(Path originDir, CliRunner client) throws Exception {
    try (Repository repo = Repository.open(originDir);
        Server server = ServeCommand.server(repo, ServerConfig.loopback(0)).start()) {
      ObjectId want = new SyncState(repo.kv()).offeredHeadOrNull().headUnverified().manifestId();
      CliRunner.Result r = client.run("pull", server.url(), "--switch");
      assertThat(r.code()).as(r.toString()).isZero();
      assertThat(r.out()).contains("switched to " + want);
      return server.bytesSent();
    }
  }
}
