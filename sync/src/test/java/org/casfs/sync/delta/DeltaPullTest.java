package org.casfs.sync.delta;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.casfs.cas.ObjectId;
import org.casfs.sync.Client;
import org.casfs.sync.Origin;
import org.casfs.sync.TestImages;
import org.casfs.sync.pull.HttpSource;
import org.casfs.sync.pull.Puller;
import org.casfs.sync.server.Server;
import org.casfs.sync.server.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real v1 -> v2 update pulled over loopback HTTP with deltas: from an origin that computed
 * them when it published v2, then from a peer that holds only v1 and v2 (no stored deltas) and
 * computes them on demand. Both end with a verified v2, in far fewer bytes than without deltas;
 * a client without the old version gets whole blobs.
 */
class DeltaPullTest {
  @TempDir Path tmp;

  @Test
  void updateUsesDeltasFromOriginAndFromAPeerWithoutStoredDeltas() throws Exception {
    Path corpus = TestVersions.corpus();
    try (Origin origin = new Origin(tmp.resolve("origin"));
        Client plain = new Client(tmp.resolve("plain"), origin.key.publicKey());
        Client viaOrigin = new Client(tmp.resolve("via-origin"), origin.key.publicKey());
        Client viaPeer = new Client(tmp.resolve("via-peer"), origin.key.publicKey())) {
      var odb = origin.repo.objectDatabase();
      ObjectId v1 = TestVersions.importVersion(odb, corpus.resolve("v1"), 1);
      origin.publish(v1);
      DeltaStore originDeltas = serveStoredDeltas(origin);
      for (Client c : new Client[] {plain, viaOrigin, viaPeer}) {
        pullWith(c, origin.url(), true);
      }

      // The origin signs v2 and computes its deltas from v1 in the same step.
      ObjectId v2 = TestVersions.importVersion(odb, corpus.resolve("v2"), 2, v1);
      VersionDeltas.Report report = new VersionDeltas(odb, DeltaBudget.defaults().withBsdiffLimit(0), 2)
          .compute(v1, v2, originDeltas);
      assertThat(report.chosenCount().values().stream().mapToInt(Integer::intValue).sum()).isGreaterThan(300);
      origin.publish(v2);

      // The same origin as an old server without deltas: the update still works, whole blobs.
      long wholeBytes;
      Puller.Result whole;
      try (Server oldOrigin = new Server(odb, origin.state, ServerConfig.loopback(0)).start()) {
        whole = plain.pull(oldOrigin.url(), false);
        wholeBytes = oldOrigin.bytesSent();
      }

      long s1 = origin.server.bytesSent();
      Puller.Result withDeltas = pullWith(viaOrigin, origin.url(), false);
      long deltaBytes = origin.server.bytesSent() - s1;

      assertThat(whole.manifest()).isEqualTo(v2);
      assertThat(withDeltas.manifest()).isEqualTo(v2);
      assertThat(TestImages.verifyAll(viaOrigin.repo.objectDatabase(), v2)).isGreaterThan(1000);
      assertThat(deltaBytes).as("bytes with deltas vs without").isLessThan(wholeBytes / 3);
      DeltaStore.awaitBackgroundWrites(); // kept in memory during the pull, written after it
      assertThat(DeltaStore.open(viaOrigin.repo.stagingDir("deltas"), 1L << 30).totalBytes())
          .as("the client keeps the deltas it received to serve its neighbours").isGreaterThan(0);

      // A peer that pulled v1 and v2 whole (so it holds both and no deltas) serves them by
      // computing deltas on demand.
      plain.state.setOfferedHead(plain.state.acceptedHeadOrNull(v2));
      DeltaStore peerDeltas = DeltaStore.open(plain.repo.stagingDir("deltas"), 256L << 20);
      DeltaService peerService = new DeltaService(plain.repo.objectDatabase(), peerDeltas, DeltaBudget.onDemand(), 2,
          60_000);
      try (Server peer = new Server(plain.repo.objectDatabase(), plain.state, ServerConfig.loopback(0)).start()) {
      peer.deltaSource(peerService).addFetchHook(new DeltaFetchHook(peerService));
      assertThat(peerDeltas.totalBytes()).isZero();
      long p0 = peer.bytesSent();
      Puller.Result fromPeer = pullWith(viaPeer, peer.url(), false);
      long peerBytes = peer.bytesSent() - p0;
      assertThat(fromPeer.manifest()).isEqualTo(v2);
      assertThat(TestImages.verifyAll(viaPeer.repo.objectDatabase(), v2)).isGreaterThan(1000);
      assertThat(peerBytes).as("bytes from the peer with on-demand deltas").isLessThan(wholeBytes / 3);
      assertThat(peerDeltas.totalBytes()).as("computed deltas are cached").isGreaterThan(0);
      // A client without the old version gets whole blobs from the same delta-serving peer.
      try (Client fresh = new Client(tmp.resolve("fresh"), origin.key.publicKey())) {
        assertThat(pullWith(fresh, peer.url(), false).manifest()).isEqualTo(v2);
        assertThat(TestImages.verifyAll(fresh.repo.objectDatabase(), v2)).isGreaterThan(1000);
      }
      System.out.printf("v1->v2 pull: without deltas %d bytes, with origin deltas %d, with peer on-demand deltas %d%n",
          wholeBytes, deltaBytes, peerBytes);
      }
    }
  }

  /**
   * Starts the origin's server with the deltas of its store (none computed on demand) in its fetch
   * streams; returns the store.
   */
  static DeltaStore serveStoredDeltas(Origin origin) throws IOException {
    origin.serve();
    DeltaStore deltas = DeltaStore.open(origin.repo.stagingDir("deltas"), 256L << 20);
    DeltaService service = new DeltaService(origin.repo.objectDatabase(), deltas, DeltaBudget.onDemand(), 0, 0);
    origin.server.deltaSource(service).addFetchHook(new DeltaFetchHook(service));
    return deltas;
  }

  /** An origin that serves its stored deltas, and the version a client took from it first. */
  record ClientOnFirst(ObjectId first, DeltaStore deltas) {}

  /**
   * Imports {@code v1} as the origin's first version, publishes it, serves the origin with its
   * stored deltas, and has {@code client} pull it: the opening of a story about the next update.
   */
  static ClientOnFirst clientOnFirst(Origin origin, Client client, Path v1) throws IOException {
    ObjectId first = TestVersions.importVersion(origin.repo.objectDatabase(), v1, 1);
    origin.publish(first);
    DeltaStore deltas = serveStoredDeltas(origin);
    pullWith(client, origin.url(), false);
    return new ClientOnFirst(first, deltas);
  }

  /** A pull that accepts delta frames and keeps what it receives, as {@code casfs pull} does. */
  static Puller.Result pullWith(Client c, String url, boolean switchAfter) throws IOException {
    DeltaStore keep = DeltaStore.open(c.repo.stagingDir("deltas"), 1L << 30);
    return c.puller().addDecoder(new DeltaFrameDecoder(c.repo.stagingDir("tmp-deltas"), keep))
        .addDecoder(new TreeDeltaFrameDecoder()).pull(List.of(new HttpSource(url, c.config)), switchAfter);
  }
}
