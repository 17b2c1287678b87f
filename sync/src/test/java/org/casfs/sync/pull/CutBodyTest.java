package org.casfs.sync.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.casfs.cas.ObjectId;
import org.junit.jupiter.api.Test;

/**
 * A body that ends before its Content-Length, as when a link drops mid-transfer: {@link
 * HttpSource} says the transfer broke, and where (an IOException, so the source stays and the
 * rest is asked for by range), instead of handing on a short body that the caller would take for a
 * wrong object and drop the source for. A raw socket server declares 1,000 bytes, sends 400, and
 * closes the connection.
 */
class CutBodyTest {
  @Test
  void aBodyCutShortIsABrokenTransferNamedWithItsOffsets() throws Exception {
    ObjectId id = ObjectId.fromString("0123456789abcdef0123456789abcdef01234567");
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread answer = new Thread(() -> {
        try (Socket s = server.accept()) {
          InputStream req = s.getInputStream();
          byte[] head = new byte[4096];
          int got = 0;
          while (!new String(head, 0, got, StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
            got += req.read(head, got, head.length - got);
          }
          OutputStream out = s.getOutputStream();
          out.write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
          out.write(new byte[400]);
          out.flush();
        } catch (Exception e) {
          // the test fails on the client side
        }
      });
      answer.start();
      HttpSource source = new HttpSource("http://127.0.0.1:" + server.getLocalPort(), PullConfig.defaults());
      try (InputStream in = source.openObject(id, 0)) {
        assertThatThrownBy(in::readAllBytes).isInstanceOf(java.io.IOException.class)
            .isNotInstanceOf(org.casfs.cas.ObjectException.class)
            .hasMessageContaining("the transfer of object " + id + " broke after 400 of 1000 bytes");
      }
      answer.join(10_000);
      assertThat(source.bytesReceived()).isEqualTo(400);
    }
  }
}
