package org.casfs.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.Repository;
import org.casfs.sync.Publisher;
import org.casfs.sync.SyncState;
import org.casfs.sync.pull.HttpSource;
import org.casfs.sync.pull.PullConfig;
import org.casfs.sync.trust.Head;
import org.casfs.sync.trust.SignedHead;
import org.casfs.sync.trust.SigningKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code casfs serve} on an origin renews the offered head before it expires, so that laptops
 * away for longer than the expiry still take the update from their neighbours: a head signed five
 * days ago for seven is served renewed (the next sequence, seven days from now) once the server
 * runs with the signing key; without the key the server says when the head expires and what to do.
 * The same in {@code casfs peer} on an origin.
 */
class ServeRenewsHeadTest {
  private static final long DAY = Duration.ofDays(1).toMillis();

  @TempDir Path tmp;

  @Test
  void aServerWithTheSigningKeyRenewsAHeadPastHalfItsValidity() throws Exception {
    Path originDir = tmp.resolve("origin");
    CliOrigin origin = CliOrigin.init(originDir, tmp.resolve("origin.key"));
    ObjectId v = signedFiveDaysAgo(origin, originDir);

    Path keyless = tmp.resolve("keyless.log");
    ServeProcess serve = ServeProcess.start(originDir, keyless, "--key", tmp.resolve("no-such.key").toString());
    try {
      waitFor(keyless, "casfs: the offered head stable#1 expires at ");
      assertThat(Files.readString(keyless)).contains("and there is no signing key at " + tmp.resolve("no-such.key")
          + " to renew it: sign the version again ('casfs sign') before then");
      assertThat(head(serve).sequence()).isEqualTo(1);
    } finally {
      serve.stop();
    }

    Path log = tmp.resolve("serve.log");
    serve = ServeProcess.start(originDir, log, "--key", origin.key().toString());
    try {
      waitFor(log, "casfs: renewed the offered head stable#1 (" + v.name() + ") before it expires: now #2");
      Head h = head(serve);
      assertThat(h.sequence()).isEqualTo(2);
      assertThat(h.manifest().id()).isEqualTo(v);
      assertThat(h.expiresMillis() - h.issuedMillis()).isEqualTo(7 * DAY);
      assertThat(h.issuedMillis()).isGreaterThan(System.currentTimeMillis() - DAY);

      CliRunner laptop = origin.trustingMachine(tmp.resolve("laptop"));
      CliRunner.Result pulled = laptop.run("pull", serve.url, "--switch");
      assertThat(pulled.code()).as(pulled.toString()).isZero();
      assertThat(pulled.out()).startsWith("switched to " + v.name() + " (sequence 2)");
      // The origin renews again (here: signs again by hand): the laptop has the version already.
      assertThat(origin.cli().run("sign", "first").code()).isZero();
      pulled = laptop.run("pull", serve.url, "--switch");
      assertThat(pulled.out()).startsWith("already on " + v.name() + " (sequence 3): 0 objects");
      assertThat(laptop.run("history").out().lines().count()).as("one flip, not two").isEqualTo(1);
    } finally {
      serve.stop();
    }
  }

  /**
   * An origin that runs {@code casfs peer} (to be found by mDNS) renews too; a peer without the key
   * (a laptop, which offers its neighbours' heads) says nothing about their expiry.
   */
  @Test
  void aPeerWithTheSigningKeyRenewsAndOneWithoutItIsSilent() throws Exception {
    Path originDir = tmp.resolve("origin");
    CliOrigin origin = CliOrigin.init(originDir, tmp.resolve("origin.key"));
    ObjectId v = signedFiveDaysAgo(origin, originDir);

    Path keyless = tmp.resolve("keyless.log");
    ServeProcess peer = ServeProcess.startPeer(originDir, keyless, "--key", tmp.resolve("no-such.key").toString());
    try {
      Thread.sleep(2_000);
      assertThat(Files.readString(keyless)).doesNotContain("expires at").doesNotContain("renewed");
    } finally {
      peer.stop();
    }
    Path log = tmp.resolve("peer.log");
    peer = ServeProcess.startPeer(originDir, log, "--key", origin.key().toString());
    try {
      waitFor(log, "casfs: renewed the offered head stable#1 (" + v.name() + ") before it expires: now #2");
      assertThat(head(peer).sequence()).isEqualTo(2);
    } finally {
      peer.stop();
    }
  }

  /** Imports a version labelled "first" and offers it under a head signed five days ago for seven. */
  private ObjectId signedFiveDaysAgo(CliOrigin origin, Path originDir) throws Exception {
    assertThat(origin.cli().run("import", TestTreeFiles.write(tmp.resolve("a"), 1).toString(), "--label", "first")
        .code()).isZero();
    ObjectId v = origin.manifestId("first");
    long fiveDaysAgo = System.currentTimeMillis() - 5 * DAY;
    try (Repository repo = Repository.open(originDir)) {
      new Publisher(repo.objectDatabase(), new SyncState(repo.kv()), SigningKey.readFrom(origin.key()), () -> fiveDaysAgo)
          .trustingThisClock().publish(v, Duration.ofDays(7));
    }
    return v;
  }

  private static Head head(ServeProcess serve) throws Exception {
    return SignedHead.parse(new HttpSource(serve.url, PullConfig.defaults()).head()).headUnverified();
  }

  private static void waitFor(Path log, String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.readString(log).contains(text) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(Files.readString(log)).contains(text);
  }
}
