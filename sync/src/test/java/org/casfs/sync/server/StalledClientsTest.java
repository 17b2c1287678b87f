package org.casfs.sync.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.casfs.cas.ObjectId;
import org.casfs.cas.ObjectType;
import org.casfs.sync.Origin;
import org.casfs.sync.TestImages;
import org.casfs.sync.wire.StaticPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clients that ask for a large object and then read nothing (a neighbour's bug, or one doing it on
 * purpose) no longer hold every handler thread of a server: each is cut off once it has taken
 * nothing for the stall timeout, and the server answers others meanwhile; a slow client that keeps
 * reading gets its whole object.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StalledClientsTest {
  @TempDir Path tmp;

  @Test
  void clientsThatStopReadingAreCutOffAndOthersAreAnswered() throws Exception {
    try (Origin origin = new Origin(tmp.resolve("origin"))) {
      ObjectId v = TestImages.version(origin.repo.objectDatabase(), "stable", 1, 3, 2, 5, 0, null);
      byte[] big = new byte[32 << 20];
      new Random(3).nextBytes(big);
      ObjectId bigId = origin.repo.objectDatabase().store().insert(ObjectType.BLOB, big).id();
      byte[] medium = Arrays.copyOf(big, 2 << 20);
      ObjectId mediumId = origin.repo.objectDatabase().store().insert(ObjectType.BLOB, medium).id();
      origin.publish(v);
      ServerConfig four = new ServerConfig(new InetSocketAddress("127.0.0.1", 0), 4, 32 << 20, 1, Duration.ofSeconds(5));
      try (Server server = new Server(origin.repo.objectDatabase(), origin.state, four)
          .cutStalledClientsAfter(Duration.ofSeconds(2)).start()) {
        List<Socket> silent = new ArrayList<>();
        try {
          for (int i = 0; i < 12; i++) { // three times the server's threads
            Socket s = new Socket();
            s.setReceiveBufferSize(4096);
            s.connect(server.address());
            s.getOutputStream().write(("GET /" + StaticPaths.object(bigId) + " HTTP/1.1\r\nHost: x\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
            silent.add(s);
          }
          Thread.sleep(500); // every thread now blocked writing to a client that reads nothing

          HttpClient http = HttpClient.newHttpClient();
          long start = System.nanoTime();
          HttpResponse<byte[]> head = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/v1/head"))
              .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
          long waited = (System.nanoTime() - start) / 1_000_000;
          assertThat(head.statusCode()).isEqualTo(200);
          System.out.printf("a head answered after %d ms with 12 silent clients on 4 threads; %d cut off%n",
              waited, server.stalledClientsCut());
          assertThat(waited).as("answered once the silent clients in its way were cut off").isLessThan(15_000);
          assertThat(server.stalledClientsCut()).isGreaterThanOrEqualTo(4);

          // A slow client that keeps reading (~400 KB/s) is served to the end.
          try (Socket slow = new Socket()) {
            slow.setReceiveBufferSize(4096);
            slow.connect(server.address());
            slow.getOutputStream().write(("GET /" + StaticPaths.object(mediumId)
                + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = slow.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; ) {
              got.write(buf, 0, n);
              Thread.sleep(20);
            }
            byte[] all = got.toByteArray();
            byte[] body = Arrays.copyOfRange(all, all.length - medium.length, all.length);
            assertThat(body).isEqualTo(medium);
          }
        } finally {
          for (Socket s : silent) {
            s.close();
          }
        }
      }
    }
  }
}
