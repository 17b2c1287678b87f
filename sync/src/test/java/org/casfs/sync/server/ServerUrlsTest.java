package org.casfs.sync.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.casfs.sync.Origin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The URLs a server names for its clients: usable as typed. A server listening on every address
 * once said {@code at http://0:0:0:0:0:0:0:0:8080}, which no client can use.
 */
class ServerUrlsTest {
  @TempDir Path tmp;

  @Test
  void aServerOnEveryAddressNamesThisMachinesAddressesIpv4First() throws Exception {
    List<InetAddress> machine = List.of(InetAddress.getByName("::1"), InetAddress.getByName("127.0.0.1"),
        InetAddress.getByName("fe80::1%1"), InetAddress.getByName("2001:db8::5"), InetAddress.getByName("10.1.2.3"),
        InetAddress.getByName("169.254.7.9"));
    for (String wildcard : new String[] {"0.0.0.0", "::"}) {
      assertThat(ServerUrls.reachable(new InetSocketAddress(wildcard, 8080), machine)).containsExactly(
          "http://10.1.2.3:8080", "http://169.254.7.9:8080", "http://[2001:db8::5]:8080", "http://127.0.0.1:8080",
          "http://[::1]:8080");
    }
  }

  @Test
  void oneAddressIsOneUrlWithAnIpv6LiteralInBrackets() throws Exception {
    assertThat(ServerUrls.reachable(new InetSocketAddress("::1", 80), List.of())).containsExactly("http://[::1]:80");
    assertThat(ServerUrls.reachable(new InetSocketAddress("192.168.0.9", 8080), List.of()))
        .containsExactly("http://192.168.0.9:8080");
  }

  @Test
  void aServerOnIpv6LoopbackAnswersAtItsOwnUrl() throws Exception {
    ServerConfig c = ServerConfig.loopback(0);
    try (Origin origin = new Origin(tmp.resolve("origin"))) {
      origin.server = new Server(origin.repo.objectDatabase(), origin.state, new ServerConfig(
          new InetSocketAddress("::1", 0), c.threads(), c.maxRequestBytes(), c.zstdLevel(), c.shutdownGrace())).start();
      assertThat(origin.url()).startsWith("http://[::1]:");
      HttpResponse<String> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(origin.url() + "/v1/head")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as("a server that offers nothing yet").isEqualTo(404);
    }
  }
}
