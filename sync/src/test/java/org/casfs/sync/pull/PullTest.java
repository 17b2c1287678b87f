package org.casfs.sync.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.casfs.cas.ObjectId;
import org.casfs.sync.Client;
import org.casfs.sync.Origin;
import org.casfs.sync.TestImages;
import org.casfs.sync.server.Server;
import org.casfs.sync.server.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PullTest {
  @TempDir Path tmp;

  /**
   * A link-local IPv6 URL names the client's interface. Written as RFC 6874 has it ({@code
   * %25lo}), as curl and browsers take it, it was an "unknown host"; the bare form worked.
   */
  @Test
  void anIpv6UrlWithItsZoneWrittenAsRfc6874Pulls() throws Exception {
    ServerConfig c = ServerConfig.loopback(0);
    try (Origin origin = new Origin(tmp.resolve("origin"));
        Client client = new Client(tmp.resolve("client"), origin.key.publicKey())) {
      origin.server = new Server(origin.repo.objectDatabase(), origin.state, new ServerConfig(
          new InetSocketAddress("::1", 0), c.threads(), c.maxRequestBytes(), c.zstdLevel(), c.shutdownGrace())).start();
      ObjectId v1 = TestImages.version(origin.repo.objectDatabase(), "stable", 1, 42, 6, 20, 0, null);
      origin.publish(v1);
      int port = origin.server.address().getPort();
      assertThat(client.pull("http://[::1%25lo]:" + port, false).manifest()).isEqualTo(v1);
      assertThat(client.pull("http://[::1%lo]:" + port + "/", false).manifest()).isEqualTo(v1);
    }
  }

  /**
   * A pull cut off at its switch (a power failure) has offered nothing on: a laptop's peer takes no
   * pull of the version it offers, so one that offered the new version while running the old one
   * kept running it until the next update. Pulling again switches, and then offers.
   */
  @Test
  void aPullCutOffAtItsSwitchOffersNothingAndPullingAgainSwitchesAndOffers() throws Exception {
    try (Origin origin = new Origin(tmp.resolve("origin")).serve();
        Client client = new Client(tmp.resolve("client"), origin.key.publicKey())) {
      ObjectId v1 = TestImages.version(origin.repo.objectDatabase(), "stable", 1, 42, 6, 20, 0, null);
      origin.publish(v1);
      client.refs.failNextSwitch = new java.io.IOException("the power went");
      assertThatThrownBy(() -> client.pull(origin.url(), true)).hasMessageContaining("the power went");
      assertThat(client.refs.staged).isEqualTo(v1);
      assertThat(client.state.offeredHeadOrNull()).as("nothing offered before the switch").isNull();
      assertThat(client.state.pullInFlightOrNull()).as("staged whole: not a pull in flight").isNull();

      Puller.Result again = client.pull(origin.url(), true);
      assertThat(again.switched()).isTrue();
      assertThat(client.refs.current).isEqualTo(v1);
      assertThat(client.state.offeredHeadOrNull().headUnverified().manifestId()).isEqualTo(v1);
    }
  }

  @Test
  void clientPullsSwitchesThenPullsTheUpdateInOneRoundTripAfterHead() throws Exception {
    try (Origin origin = new Origin(tmp.resolve("origin")).serve();
        Client client = new Client(tmp.resolve("client"), origin.key.publicKey())) {
      ObjectId v1 = TestImages.version(origin.repo.objectDatabase(), "stable", 1, 42, 6, 20, 0, null);
      origin.publish(v1);
      List<PullProgress> seen = new ArrayList<>();
      Puller.Result r1 = client.puller().listener(seen::add).pull(List.of(new HttpSource(origin.url(), client.config)), true);
      assertThat(r1.manifest()).isEqualTo(v1);
      assertThat(r1.switched()).isTrue();
      assertThat(client.refs.current).isEqualTo(v1);
      assertThat(seen).isNotEmpty();
      assertThat(seen.get(seen.size() - 1).bytesDone()).isEqualTo(r1.bytesStored());

      ObjectId v2 = TestImages.version(origin.repo.objectDatabase(), "stable", 2, 42, 6, 20, 0.1, v1);
      origin.publish(v2);
      long before = origin.server.requestCount();
      Puller.Result r2 = client.pull(origin.url(), false);
      long after = origin.server.requestCount();
      assertThat(r2.manifest()).isEqualTo(v2);
      assertThat(client.refs.staged).isEqualTo(v2);
      assertThat(client.refs.current).isEqualTo(v1);
      // head + exactly one fetch stream
      assertThat(after - before).isEqualTo(2);
      assertThat(r2.bytesStored()).isLessThan(r1.bytesStored() / 3);
      assertThat(TestImages.verifyAll(client.repo.objectDatabase(), v2)).isGreaterThan(100);
    }
  }
}
