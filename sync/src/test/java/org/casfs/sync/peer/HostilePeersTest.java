package org.casfs.sync.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.casfs.cas.Entry;
import org.casfs.cas.Hashes;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.cas.store.RepoConfig;
import org.casfs.cas.store.Repository;
import org.casfs.sync.HostileProxy;
import org.casfs.sync.Origin;
import org.casfs.sync.TestImages;
import org.casfs.sync.trust.Head;
import org.casfs.sync.trust.SignedHead;
import org.casfs.sync.trust.SigningKey;
import org.casfs.sync.trust.TrustStore;
import org.casfs.txn.Versions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Neighbours that lie or misbehave, against a real peer daemon on loopback (static neighbours,
 * so no multicast is needed): a forged head and an older head are ignored and never pulled from;
 * a neighbour serving corrupt bytes is dropped while the others finish; a neighbour that vanishes
 * mid-transfer leaves the pull to the others. Each neighbour is a {@link HostileProxy} in front of
 * a real origin server.
 */
class HostilePeersTest {
  @TempDir Path dir;

  private Origin origin;
  private ObjectId v1;
  private ObjectId v2;
  private final List<AutoCloseable> closeMe = new ArrayList<>();
  private final List<String> log = new CopyOnWriteArrayList<>();

  @BeforeEach
  void origin() throws IOException {
    origin = new Origin(dir.resolve("origin"));
    ObjectDatabase db = origin.repo.objectDatabase();
    v1 = TestImages.version(db, "stable", 1, 7, 4, 25, 0, null);
    v2 = TestImages.version(db, "stable", 2, 7, 4, 25, 0.3, v1);
    origin.publish(v2);
    origin.serve();
  }

  @AfterEach
  void close() throws Exception {
    for (int i = closeMe.size() - 1; i >= 0; i--) {
      closeMe.get(i).close();
    }
    origin.close();
  }

  private HostileProxy neighbour() throws IOException {
    HostileProxy p = new HostileProxy(origin.url());
    closeMe.add(p);
    return p;
  }

  private Peer victim(String name, List<String> peers) throws IOException {
    Repository repo = Repository.init(dir.resolve(name), RepoConfig.defaults().withChannel("stable"));
    closeMe.add(repo);
    TrustStore trust = TrustStore.open(repo.keysDir());
    trust.add(origin.key.publicKey());
    PeerConfig config = PeerConfig.defaults(0).withStaticPeers(peers).withAutoSwitch(true)
        .withPollInterval(Duration.ofMillis(300));
    config = new PeerConfig(new InetSocketAddress("127.0.0.1", 0), List.of(), config.staticPeers(),
        true, 4, config.pollInterval(), 20, 64, null, config.pull(), null);
    Peer peer = new Peer(config, Versions.of(repo), trust, log::add, Clock.systemUTC()).start();
    closeMe.add(peer);
    return peer;
  }

  private static boolean switchedTo(Peer p, ObjectId v) {
    try {
      return p.status().offering().manifestId().equals(v) && p.status().transfer() != null
          && "switched".equals(p.status().transfer().outcome());
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void forgedAndOlderHeadsAreIgnoredAndNeverPulledFrom() throws Exception {
    HostileProxy forger = neighbour();
    SigningKey mallory = SigningKey.generate();
    Head real = SignedHead.parse(origin.state.offeredHeadOrNull().encode()).headUnverified();
    forger.head = SignedHead.sign(new Head("stable", 99, real.manifest(), real.issuedMillis(),
        real.expiresMillis(), mallory.publicKey().keyId()), mallory).encode();
    AtomicInteger forgerObjects = countObjects(forger);

    HostileProxy older = neighbour();
    older.head = signedBy(origin, v1, 1);
    AtomicInteger olderObjects = countObjects(older);

    HostileProxy good = neighbour();
    Peer victim = victim("victim", List.of(forger.url(), older.url(), good.url()));
    PeerFinderTest.await(() -> switchedTo(victim, v2), () -> "switch to v2; log " + log, 60);

    assertThat(victim.status().transfer().sources()).containsExactly(good.url() + "/");
    assertThat(forgerObjects.get()).as("objects asked of the forger").isZero();
    assertThat(olderObjects.get()).as("objects asked of the older neighbour").isZero();
    assertThat(log).anyMatch(l -> l.startsWith("ignored neighbour") && l.contains(forger.url()));
    assertThat(log).anyMatch(l -> l.contains("pulled stable#2 " + v2.name()));
  }

  @Test
  void corruptNeighbourIsDroppedAndTheOthersFinish() throws Exception {
    HostileProxy corrupt = neighbour();
    for (ObjectId id : allObjects(origin.repo.objectDatabase(), v2)) {
      corrupt.objectAttacks.put(id, HostileProxy.replace(("not " + id).getBytes()));
    }
    HostileProxy good1 = neighbour();
    HostileProxy good2 = neighbour();
    Peer victim = victim("victim", List.of(corrupt.url(), good1.url(), good2.url()));
    PeerFinderTest.await(() -> switchedTo(victim, v2), () -> "switch to v2; log " + log, 60);

    assertThat(log).anyMatch(l -> l.startsWith("dropped source " + corrupt.url()));
    assertThat(victim.status().transfer().sources()).hasSize(3);
    assertThat(TestImages.verifyAll(victimDb(), v2)).isGreaterThan(100);
  }

  @Test
  void neighbourVanishingMidTransferLeavesThePullToTheOthers() throws Exception {
    HostileProxy vanishing = neighbour();
    AtomicInteger served = new AtomicInteger();
    for (ObjectId id : allObjects(origin.repo.objectDatabase(), v2)) {
      vanishing.objectAttacks.put(id, (ex, genuine) -> {
        if (served.incrementAndGet() < 5) {
          ex.sendResponseHeaders(200, genuine.length);
          ex.getResponseBody().write(genuine);
          return;
        }
        // Half an object, then the machine is gone (its server stops, connections refused).
        ex.sendResponseHeaders(200, genuine.length);
        OutputStream out = ex.getResponseBody();
        out.write(genuine, 0, genuine.length / 2);
        out.flush();
        new Thread(vanishing::close).start();
        throw new IOException("vanished on purpose");
      });
    }
    HostileProxy good = neighbour();
    Peer victim = victim("victim", List.of(vanishing.url(), good.url()));
    PeerFinderTest.await(() -> switchedTo(victim, v2), () -> "switch to v2; log " + log, 60);

    assertThat(served.get()).as("the vanishing neighbour took part").isGreaterThanOrEqualTo(5);
    assertThat(TestImages.verifyAll(victimDb(), v2)).isGreaterThan(100);
  }

  private ObjectDatabase victimDb() {
    return closeMe.stream().filter(c -> c instanceof Repository).map(c -> (Repository) c)
        .reduce((a, b) -> b).orElseThrow().objectDatabase();
  }

  /** A validly signed head for an older version (what a neighbour that is behind offers). */
  private static byte[] signedBy(Origin o, ObjectId manifest, long sequence) throws IOException {
    var info = o.repo.objects().statOrNull(manifest);
    long now = System.currentTimeMillis();
    Head h = new Head("stable", sequence, new Hashes(manifest, info.sha256()), now,
        now + 3_600_000, o.key.publicKey().keyId());
    // Sign with the origin's own key: valid, just old.
    return SignedHead.sign(h, o.key).encode();
  }

  /** Counts the object requests a neighbour answers (genuinely) for every object of v1 and v2. */
  private AtomicInteger countObjects(HostileProxy p) throws IOException {
    AtomicInteger n = new AtomicInteger();
    List<ObjectId> ids = new ArrayList<>(allObjects(origin.repo.objectDatabase(), v1));
    ids.addAll(allObjects(origin.repo.objectDatabase(), v2));
    for (ObjectId id : ids) {
      p.objectAttacks.put(id, (ex, genuine) -> {
        n.incrementAndGet();
        ex.sendResponseHeaders(200, genuine.length);
        ex.getResponseBody().write(genuine);
      });
    }
    return n;
  }

  static List<ObjectId> allObjects(ObjectDatabase db, ObjectId manifest) throws IOException {
    List<ObjectId> out = new ArrayList<>();
    out.add(manifest);
    walk(db, db.readManifest(manifest).rootId(), out);
    return out;
  }

  private static void walk(ObjectDatabase db, ObjectId tree, List<ObjectId> out) throws IOException {
    out.add(tree);
    for (Entry e : db.readTree(tree).entries()) {
      if (e.isDirectory()) {
        walk(db, e.childId(), out);
      } else if (e.isRegular() && !out.contains(e.childId())) {
        out.add(e.childId());
      }
    }
  }
}
