package org.casfs.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.casfs.cas.store.DamagedTables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A laptop whose repository database lost a block (a flash cell gone bad under the Debian image it
 * pulled): every command that meets the block fails, and the old advice was a new repository
 * pulled whole. {@code casfs fsck --repair URL} now salvages the database and fetches only the
 * objects that went with the block from the school's server (a real {@code casfs serve} over
 * loopback HTTP), after which the laptop checks clean and takes the next update.
 */
class DamagedDatabaseTest {
  @TempDir
  Path tmp;
  /** The origin's server, once {@link #originServingV1} started it; stopped by each test. */
  private ServeProcess server;

  @Test
  void aLaptopRepairsADamagedDatabaseFetchingOnlyWhatItLost() throws Exception {
    Path laptopDir = tmp.resolve("laptop");
    CliOrigin origin = originServingV1();
    try {
      CliRunner laptop = origin.trustingMachine(laptopDir);
      CliRunner.Result pulled = laptop.run("pull", server.url, "--switch");
      assertThat(pulled.code()).as(pulled.toString()).isZero();
      long imageBytes = bytesOf(laptop.run("fsck").out());

      DamagedTables.damageLargest(laptopDir);

      CliRunner.Result damaged = laptop.run("fsck");
      assertThat(damaged.code()).as(damaged.toString()).isEqualTo(4);
      assertThat(damaged.err()).contains("database is damaged", "casfs fsck --repair URL").hasLineCount(1);

      CliRunner.Result repaired = laptop.run("fsck", "--repair", server.url);
      assertThat(repaired.code()).as(repaired.toString()).isZero();
      assertThat(repaired.err()).contains("salvaging it before the repair");
      assertThat(repaired.out()).contains("rebuilt it from every record that could still be read", "1 damaged stretch");
      Matcher fetched = Pattern.compile("repaired: fetched (\\d+) objects \\((\\d+) bytes\\)").matcher(repaired.out());
      assertThat(fetched.find()).as(repaired.toString()).isTrue();
      assertThat(Long.parseLong(fetched.group(1))).isPositive().isLessThan(100);
      assertThat(Long.parseLong(fetched.group(2))).as("a few objects, not the image").isLessThan(imageBytes / 20);
      try (Stream<Path> kept = Files.list(laptopDir)) {
        assertThat(kept.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("db.damaged-"));
      }

      CliRunner.Result clean = laptop.run("fsck");
      assertThat(clean.code()).as(clean.toString()).isZero();
      assertThat(laptop.run("cat", "current", "/etc/debian_version").out()).isEqualTo(
          Files.readString(corpus("v1").resolve("etc/debian_version")));
      // and the next update is taken: the database takes writes again
      assertThat(origin.cli().run("import", Machines.helloImage(tmp, "v2").toString(), "--label", "v2").code()).isZero();
      assertThat(origin.cli().run("sign", "v2").code()).isZero();
      CliRunner.Result next = laptop.run("pull", server.url, "--switch");
      assertThat(next.code()).as(next.toString()).isZero();
      assertThat(laptop.run("cat", "current", "/hello").out()).isEqualTo("hello v2\n");
      assertThat(laptop.run("fsck", "--salvage").out()).contains("database is sound");
    } finally {
      server.stop();
    }
  }

  /**
   * A laptop nobody tends: the damage is met by a command (or a read) and noted; its peer daemon,
   * started at the next boot, salvages the database before it opens it, finds its version lacking
   * the objects that went with the damage, and fetches them from its neighbour by itself.
   */
  @Test
  void aLaptopsPeerSalvagesAtStartAndFetchesWhatWasLostFromItsNeighbour() throws Exception {
    Path laptopDir = tmp.resolve("laptop");
    CliOrigin origin = originServingV1();
    ServeProcess peer = null;
    try {
      CliRunner laptop = origin.trustingMachine(laptopDir);
      assertThat(laptop.run("pull", server.url, "--switch").code()).isZero();
      DamagedTables.damageLargest(laptopDir);
      assertThat(laptop.run("fsck").code()).isEqualTo(4);
      assertThat(laptop.run("status").out()).contains("database:  damaged (", "salvages it when it starts");

      Path log = tmp.resolve("peer.log");
      peer = ServeProcess.startPeer(laptopDir, log, "--peers", server.url);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.readString(log).contains("repaired ") && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      String said = Files.readString(log);
      assertThat(said).contains("is damaged", "salvaging it before starting", "rebuilt it from every record",
          "lacks objects", "repaired ");
      CliRunner.Result clean = laptop.run("fsck"); // through the running daemon
      assertThat(clean.code()).as(clean + "\n--- peer log\n" + said).isZero();
      assertThat(laptop.run("status").out()).doesNotContain("database:");
    } finally {
      if (peer != null) {
        peer.stop();
      }
      server.stop();
    }
  }

  @Test
  void aDaemonsRepositoryIsNotSalvagedUnderIt() throws Exception {
    Path repo = tmp.resolve("laptop");
    CliRunner laptop = CliRunner.forRepo(repo);
    assertThat(laptop.run("init").code()).isZero();
    ServeProcess daemon = ServeProcess.start(repo, tmp.resolve("serve.log"));
    try {
      CliRunner.Result refused = laptop.run("fsck", "--salvage");
      assertThat(refused.code()).as(refused.toString()).isEqualTo(6);
      assertThat(refused.err()).contains("has " + repo + " open; stop it").hasLineCount(1);
      assertThat(daemon.isAlive()).isTrue();
    } finally {
      daemon.stop();
    }
    try (Stream<Path> files = Files.list(repo)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("db."));
    }
  }

  /** An origin that signed Debian v1 and serves it ({@link #server}, a real {@code casfs serve}). */
  private CliOrigin originServingV1() throws Exception {
    CliOrigin origin = CliOrigin.init(tmp.resolve("origin"), tmp.resolve("origin.key"));
    assertThat(origin.cli().run("import", corpus("v1").toString(), "--label", "v1").code()).isZero();
    assertThat(origin.cli().run("sign", "v1").code()).isZero();
    server = ServeProcess.start(tmp.resolve("origin"), tmp.resolve("serve.log"));
    return origin;
  }

  private static Path corpus(String version) {
    Path p = Path.of(System.getProperty("casfs.corpus", "/var/cache/casfs-corpus")).resolve(version);
    assumeTrue(Files.isDirectory(p.resolve("usr/bin")), "no Debian corpus at " + p);
    return p;
  }

  /** The bytes fsck checked, from its summary line "checked N objects (B bytes), ...". */
  private static long bytesOf(String fsckOut) {
    Matcher m = Pattern.compile("checked \\d+ objects \\((\\d+) bytes\\)").matcher(fsckOut);
    assertThat(m.find()).as(fsckOut).isTrue();
    return Long.parseLong(m.group(1));
  }
}
