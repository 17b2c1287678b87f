package org.casfs.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.Repository;
import org.casfs.sync.SyncState;
import org.casfs.sync.server.Server;
import org.casfs.sync.server.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** keygen, trust, sign, mirror, pull (HTTP and --from-dir), fsck --repair, through the CLI. */
class SyncCommandsTest {
  @TempDir Path tmp;

  private Path tree(String name, long seed) throws Exception {
    Path d = tmp.resolve(name);
    Files.createDirectories(d.resolve("etc"));
    Random r = new Random(seed);
    for (int i = 0; i < 5; i++) {
      byte[] b = new byte[20_000 + r.nextInt(100_000)];
      r.nextBytes(b);
      Files.write(d.resolve("etc").resolve("f" + i), b);
    }
    Files.writeString(d.resolve("hello"), "hello " + name + "\n");
    return d;
  }

  @Test
  void originSignsMirrorsAndServesClientsPullVerifySwitchAndRepair() throws Exception {
    Path originDir = tmp.resolve("origin");
    Path key = tmp.resolve("keys/origin.key");
    CliRunner origin = CliRunner.forRepo(originDir).env("CASFS_KEY", key.toString());
    assertThat(origin.run("init").code()).isZero();
    CliRunner.Result kg = origin.run("keygen");
    assertThat(kg.code()).as(kg.toString()).isZero();
    String pub = kg.out().strip();
    assertThat(pub).startsWith("ed25519:");
    assertThat(origin.run("keygen").code()).as("refuses to overwrite a key").isNotZero();
    assertThat(origin.run("keygen", "--public").out().strip()).as("the line again, for the next client").isEqualTo(pub);
    assertThat(origin.run("import", tree("v1", 1).toString(), "--label", "v1").code()).isZero();
    CliRunner.Result signed = origin.run("sign", "v1");
    assertThat(signed.code()).as(signed.toString()).isZero();
    assertThat(signed.out()).contains("stable #");
    Path mirror = tmp.resolve("usb");
    assertThat(origin.run("mirror", mirror.toString()).code()).isZero();
    assertThat(mirror.resolve("v1/head")).exists();

    // A client that does not trust the key refuses the version (exit 4) and changes nothing.
    CliRunner client = CliRunner.forRepo(tmp.resolve("client"));
    assertThat(client.run("init").code()).isZero();
    CliRunner.Result untrusted = client.run("pull", "--from-dir", mirror.toString(), "--switch");
    assertThat(untrusted.code()).as(untrusted.toString()).isEqualTo(4);
    assertThat(untrusted.err()).contains("does not trust");

    CliRunner.Result trusted = client.run("trust", pub);
    assertThat(trusted.code()).as(trusted.toString()).isZero();
    CliRunner.Result pulled = client.run("pull", "--from-dir", mirror.toString(), "--switch");
    assertThat(pulled.code()).as(pulled.toString()).isZero();
    assertThat(pulled.out()).contains("switched to");
    // The version that runs, offered again: nothing new, not a rollback (exit 7 failed a daily cron
    // job whenever there was no update), here and through a daemon that holds the repository.
    String v1 = client.run("log").out().substring(0, 40);
    CliRunner.Result again = client.run("pull", "--from-dir", mirror.toString());
    assertThat(again.code()).as(again.toString()).isZero();
    assertThat(again.out()).isEqualTo("already up to date at " + v1 + " (sequence 1)\n");
    assertThat(again.err()).isEmpty();
    ServeProcess daemon = ServeProcess.start(tmp.resolve("client"), tmp.resolve("client-serve.log"));
    try {
      CliRunner.Result forwarded = client.run("pull", "--from-dir", mirror.toString(), "--switch");
      assertThat(forwarded.code()).as(forwarded.toString()).isZero();
      assertThat(forwarded.out()).isEqualTo(again.out());
      // A folder given relative to where the command is typed, not where the daemon runs.
      LauncherProcess.Output relative = LauncherProcess.run(new ProcessBuilder(LauncherProcess.LAUNCHER.toString(),
          "pull", mirror.getFileName().toString(), "--repo", tmp.resolve("client").toString())
          .directory(mirror.getParent().toFile()), tmp, java.util.Map.of(), "casfs pull usb");
      assertThat(relative.code()).as(relative.err()).isZero();
      assertThat(relative.outText()).isEqualTo(again.out());
    } finally {
      daemon.stop();
    }

    // v2 over HTTP from the origin's server.
    assertThat(origin.run("import", tree("v2", 2).toString(), "--label", "v2").code()).isZero();
    assertThat(origin.run("sign", "v2").code()).isZero();
    ObjectId v2;
    try (Repository repo = Repository.open(originDir);
        Server server = new Server(repo.objectDatabase(), new SyncState(repo.kv()), ServerConfig.loopback(0)).start()) {
      v2 = new SyncState(repo.kv()).offeredHeadOrNull().headUnverified().manifestId();
      CliRunner.Result http = client.run("pull", server.url());
      assertThat(http.code()).as(http.toString()).isZero();
      assertThat(http.out()).contains("staged " + v2);
    }
    assertThat(client.run("cat", "current", "/hello").out()).isEqualTo("hello v1\n");

    // Damage the client; fsck finds it, fsck --repair fetches it back from the mirror of v2.
    assertThat(origin.run("mirror", mirror.toString()).code()).isZero();
    try (Repository repo = Repository.open(tmp.resolve("client"))) {
      var root = repo.objectDatabase().readTree(repo.objectDatabase().readManifest(v2).rootId());
      var etc = repo.objectDatabase().readTree(root.getOrNull(org.casfs.cas.Name.of("etc")).childId());
      repo.objects().remove(etc.entries().get(0).childId());
      // and as a disk loses one: the loose file gone, the index still naming it
      Files.delete(repo.objects().loosePath(etc.entries().get(1).childId()));
    }
    assertThat(client.run("fsck").code()).isEqualTo(4);
    CliRunner.Result repaired = client.run("fsck", "--repair", mirror.toString());
    assertThat(repaired.code()).as(repaired.toString()).isZero();
    assertThat(repaired.out()).contains("repaired: fetched 2 objects");
    assertThat(client.run("fsck").code()).isZero();
  }

  /**
   * An origin with two signing keys (the first signed v1 and mirrored it to {@code usb}) and a
   * client that trusts the first key: the start of the key rotation and threshold stories.
   */
  private record TwoKeys(CliRunner first, CliRunner second, String firstPub, String secondPub, Path mirror,
      CliRunner client) {}

  private TwoKeys originWithTwoKeys() throws Exception {
    Path originDir = tmp.resolve("origin");
    CliRunner first = CliRunner.forRepo(originDir).env("CASFS_KEY", tmp.resolve("first.key").toString());
    CliRunner second = CliRunner.forRepo(originDir).env("CASFS_KEY", tmp.resolve("second.key").toString());
    assertThat(first.run("init").code()).isZero();
    String firstPub = first.run("keygen").out().strip();
    String secondPub = second.run("keygen").out().strip();
    assertThat(first.run("import", tree("v1", 1).toString(), "--label", "v1").code()).isZero();
    assertThat(first.run("sign", "v1").code()).isZero();
    Path mirror = tmp.resolve("usb");
    assertThat(first.run("mirror", mirror.toString()).code()).isZero();
    CliRunner client = CliRunner.forRepo(tmp.resolve("client"));
    assertThat(client.run("init").code()).isZero();
    assertThat(client.run("trust", firstPub).code()).isZero();
    return new TwoKeys(first, second, firstPub, secondPub, mirror, client);
  }

  /**
   * 'casfs sign' on an origin whose clock is earlier than when its offered head was signed (here
   * the head is signed a year ahead, which a clock set back a year looks the same as) refuses in
   * one line, exit 7, and signs with --clock-is-right.
   */
  @Test
  void signingWithAClockBehindTheOfferedHeadIsRefused() throws Exception {
    TwoKeys o = originWithTwoKeys();
    Path originDir = tmp.resolve("origin");
    try (org.casfs.cas.store.Repository repo = org.casfs.cas.store.Repository.open(originDir)) {
      org.casfs.sync.SyncState state = new org.casfs.sync.SyncState(repo.kv());
      org.casfs.cas.ObjectId v1 = state.offeredHeadOrNull().headUnverified().manifestId();
      long aYearAhead = System.currentTimeMillis() + java.time.Duration.ofDays(365).toMillis();
      new org.casfs.sync.Publisher(repo.objectDatabase(), state, org.casfs.sync.trust.SigningKey.readFrom(tmp.resolve("first.key")),
          () -> aYearAhead).publish(v1, java.time.Duration.ofDays(7));
    }
    BadInputTest.assertOneLine(o.first().run("sign", "v1"), 7, "this machine's clock says",
        "too soon or already past for every machine whose clock is right", "--clock-is-right");
    CliRunner.Result forced = o.first().run("sign", "v1", "--clock-is-right");
    assertThat(forced.code()).as(forced.toString()).isZero();
  }

  @Test
  void rotatingTheOriginsKeyRevokesTheOldOneAtOnce() throws Exception {
    TwoKeys o = originWithTwoKeys();
    CliRunner oldKey = o.first();
    CliRunner newKey = o.second();
    String oldPub = o.firstPub();
    String newPub = o.secondPub();
    Path mirror = o.mirror();
    CliRunner client = o.client();
    assertThat(client.run("pull", "--from-dir", mirror.toString(), "--switch").code()).isZero();

    // The administrator rotates: the laptops trust the new key and revoke the old one.
    assertThat(client.run("trust", newPub).out()).startsWith("trusted ");
    String oldId = client.run("trust", "--list").out().lines().filter(l -> l.endsWith(oldPub)).findFirst()
        .orElseThrow().split(" ")[0];
    CliRunner.Result removed = client.run("trust", "--remove", oldId);
    assertThat(removed.code()).as(removed.toString()).isZero();
    assertThat(client.run("trust", "--list").out()).contains(newPub).doesNotContain(oldPub).endsWith("threshold 1\n");
    assertThat(client.run("trust", "--remove", oldId).code()).as("not trusted any more").isEqualTo(2);
    assertThat(client.run("trust", "--list", oldPub).code()).as("--list takes no key").isEqualTo(2);

    // A version signed by the revoked key is refused; the same version signed by the new key is taken.
    assertThat(oldKey.run("import", tree("v2", 2).toString(), "--label", "v2").code()).isZero();
    assertThat(oldKey.run("sign", "v2").code()).isZero();
    assertThat(oldKey.run("mirror", mirror.toString()).code()).isZero();
    CliRunner.Result refused = client.run("pull", "--from-dir", mirror.toString(), "--switch");
    assertThat(refused.code()).as(refused.toString()).isEqualTo(4);
    assertThat(refused.err()).contains(oldId).contains("does not trust");
    assertThat(newKey.run("sign", "v2").code()).isZero();
    assertThat(newKey.run("mirror", mirror.toString()).code()).isZero();
    CliRunner.Result taken = client.run("pull", "--from-dir", mirror.toString(), "--switch");
    assertThat(taken.code()).as(taken.toString()).isZero();
    assertThat(client.run("cat", "current", "/hello").out()).isEqualTo("hello v2\n");
  }

  @Test
  void aThresholdOfTwoNeedsASecondAdministratorsSignature() throws Exception {
    TwoKeys o = originWithTwoKeys();
    CliRunner alice = o.first();
    CliRunner bob = o.second();
    Path mirror = o.mirror();
    CliRunner client = o.client();
    assertThat(client.run("trust", o.secondPub()).code()).isZero();
    CliRunner.Result set = client.run("trust", "--threshold", "2");
    assertThat(set.code()).as(set.toString()).isZero();
    assertThat(client.run("trust", "--threshold", "0").code()).isEqualTo(2);

    // One signature is not enough any more, however trusted its key.
    CliRunner.Result one = client.run("pull", "--from-dir", mirror.toString(), "--switch");
    assertThat(one.code()).as(one.toString()).isEqualTo(4);
    assertThat(one.err()).contains("requires 2").contains("casfs sign --cosign");

    // Bob co-signs the same head (twice: counted once); the pull then verifies and switches.
    CliRunner.Result cosigned = bob.run("sign", "--cosign", "v1");
    assertThat(cosigned.code()).as(cosigned.toString()).isZero();
    assertThat(cosigned.out()).contains("signed by 2 key(s)");
    assertThat(bob.run("sign", "--cosign", "v1").out()).contains("signed by 2 key(s)");
    assertThat(bob.run("sign", "--cosign", "nope").code()).isEqualTo(2);
    String originStatus = alice.run("status").out();
    assertThat(originStatus).containsPattern("offered: +[0-9a-f]{40}  stable #\\d+, expires .*, signed by \\w+, \\w+");
    assertThat(client.run("status").out()).contains("trust:     2 key(s)").contains("threshold 2");
    assertThat(alice.run("mirror", mirror.toString()).code()).isZero();
    CliRunner.Result two = client.run("pull", "--from-dir", mirror.toString(), "--switch");
    assertThat(two.code()).as(two.toString()).isZero();
    assertThat(client.run("cat", "current", "/hello").out()).isEqualTo("hello v1\n");
  }

  /**
   * A bad update reached the laptops: the administrator signs the version before it again, and
   * every laptop goes back to it as to an update (a new sequence: no silent downgrade), fetching
   * nothing, with the bad version kept as previous and the change in its history.
   */
  @Test
  void signingTheVersionBeforeAgainRollsTheLaptopsBack() throws Exception {
    Path originDir = tmp.resolve("origin");
    CliOrigin o = CliOrigin.init(originDir, tmp.resolve("origin.key"));
    CliRunner origin = o.cli();
    CliRunner laptop = o.trustingMachine(tmp.resolve("laptop"));
    Path stick = tmp.resolve("usb");
    for (String v : new String[] {"good", "bad"}) {
      assertThat(origin.run("import", tree(v, v.length()).toString(), "--label", v, "--switch").code()).isZero();
      assertThat(origin.run("sign", v).code()).isZero();
      assertThat(origin.run("mirror", stick.toString()).code()).isZero();
      assertThat(laptop.run("pull", "--from-dir", stick.toString(), "--switch").code()).isZero();
    }
    assertThat(laptop.run("cat", "current", "hello").out()).isEqualTo("hello bad\n");

    assertThat(origin.run("sign", "good").out()).contains("as stable #3");
    assertThat(origin.run("mirror", stick.toString()).code()).isZero();
    CliRunner.Result back = laptop.run("pull", "--from-dir", stick.toString(), "--switch");
    assertThat(back.out()).as(back.toString()).startsWith("switched to ").contains("(sequence 3): 0 objects");
    assertThat(laptop.run("cat", "current", "hello").out()).isEqualTo("hello good\n");
    assertThat(laptop.run("cat", "previous", "hello").out()).isEqualTo("hello bad\n");
    assertThat(laptop.run("history").out().lines().count()).isEqualTo(3);
  }
}
