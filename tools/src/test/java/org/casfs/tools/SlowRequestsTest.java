package org.casfs.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.casfs.cas.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A neighbour that opens many connections and sends its requests a header line at a time (a
 * slowloris script on the school's Wi-Fi) no longer stops {@code casfs serve} answering the
 * others: a laptop pulls the offered version meanwhile. Before, the JDK's server read each such
 * request on one of the server's 16 handler threads for as long as the client kept sending, and
 * 20 connections left it answering nobody. The attack comes from another loopback address
 * (127.0.0.3) than the laptop's.
 */
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SlowRequestsTest {
  private static final int SLOW_CONNECTIONS = 64;

  @TempDir Path tmp;

  @Test
  void requestsThatArriveAByteAtATimeDoNotStopTheServerAnsweringOthers() throws Exception {
    Path originDir = tmp.resolve("origin");
    CliOrigin origin = CliOrigin.init(originDir, tmp.resolve("origin.key"));
    Path src = TestTreeFiles.write(tmp.resolve("src"), 1);
    assertThat(origin.cli().run("import", src.toString(), "--label", "v1", "--switch").code()).isZero();
    assertThat(origin.cli().run("sign", "v1").code()).isZero();
    ObjectId v1 = origin.manifestId("v1");

    ServeProcess serve = ServeProcess.start(originDir, tmp.resolve("serve.log"));
    List<Socket> slow = new ArrayList<>();
    try {
      URI url = URI.create(serve.url);
      for (int i = 0; i < SLOW_CONNECTIONS; i++) {
        Socket s = new Socket();
        s.bind(new InetSocketAddress("127.0.0.3", 0));
        s.connect(new InetSocketAddress(url.getHost(), url.getPort()));
        send(s, "GET /v1/head HTTP/1.1\r\nHost: x\r\n");
        slow.add(s);
      }
      Thread trickle = new Thread(() -> {
        try {
          while (!Thread.currentThread().isInterrupted()) {
            for (Socket s : slow) {
              send(s, "X-Slow: 1\r\n");
            }
            Thread.sleep(1_000);
          }
        } catch (IOException | InterruptedException e) {
          // the test is over, or the server closed them
        }
      }, "slowloris");
      trickle.setDaemon(true);
      trickle.start();
      Thread.sleep(1_500); // every slow request has reached the server and is being read

      CliRunner laptop = origin.trustingMachine(tmp.resolve("laptop"));
      long start = System.nanoTime();
      CliRunner.Result pulled = laptop.run("pull", serve.url, "--switch");
      long tookMillis = (System.nanoTime() - start) / 1_000_000;
      trickle.interrupt();
      assertThat(pulled.code()).as(pulled.toString()).isZero();
      assertThat(pulled.out()).startsWith("switched to " + v1.name());
      System.out.printf("pulled with %d slow requests held open against the server: %d ms%n", SLOW_CONNECTIONS,
          tookMillis);
      assertThat(tookMillis).as("the pull was answered at once, not after the slow requests").isLessThan(20_000);
      assertThat(serve.isAlive()).isTrue();
    } finally {
      for (Socket s : slow) {
        s.close();
      }
      serve.stop();
    }
  }

  private static void send(Socket s, String text) throws IOException {
    s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
  }
}
