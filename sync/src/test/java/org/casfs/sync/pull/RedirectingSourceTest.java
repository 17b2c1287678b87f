package org.casfs.sync.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Predicate;
import org.casfs.cas.ObjectId;
import org.casfs.sync.Client;
import org.casfs.sync.Origin;
import org.casfs.sync.TestImages;
import org.casfs.sync.wire.StaticPaths;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A source that answers with a redirect was followed silently ({@code HttpURLConnection}'s
 * default): a pull given one address fetched from another that nobody chose, and said nothing. A
 * 3xx answer now fails the source, with one line that names where it pointed.
 */
class RedirectingSourceTest {
  @TempDir Path tmp;
  Origin origin;
  Client client;
  ObjectId v1;
  HttpServer redirector;

  @BeforeEach
  void setUp() throws Exception {
    origin = new Origin(tmp.resolve("origin")).serve();
    client = new Client(tmp.resolve("client"), origin.key.publicKey());
    client.config = PullConfig.defaults().withAttempts(1);
    v1 = TestImages.version(origin.repo.objectDatabase(), "stable", 1, 7, 2, 3, 0, null);
    origin.publish(v1);
  }

  @AfterEach
  void tearDown() throws Exception {
    if (redirector != null) {
      redirector.stop(0);
    }
    client.close();
    origin.close();
  }

  /** Redirects the paths {@code redirected} accepts to the origin; forwards other GETs; no fetch stream. */
  private String redirecting(Predicate<String> redirected) throws IOException {
    redirector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    redirector.createContext("/", (HttpExchange ex) -> {
      try (ex) {
        String path = ex.getRequestURI().getPath();
        if (redirected.test(path)) {
          ex.getResponseHeaders().set("Location", origin.url() + path);
          ex.sendResponseHeaders(302, -1);
        } else if (path.equals("/v1/fetch")) {
          ex.sendResponseHeaders(404, -1);
        } else {
          HttpURLConnection c = (HttpURLConnection) URI.create(origin.url() + path).toURL().openConnection();
          int code = c.getResponseCode();
          byte[] body;
          try (InputStream in = code >= 400 ? c.getErrorStream() : c.getInputStream()) {
            body = in == null ? new byte[0] : in.readAllBytes();
          }
          ex.sendResponseHeaders(code, body.length == 0 ? -1 : body.length);
          ex.getResponseBody().write(body);
        }
      }
    });
    redirector.start();
    return "http://127.0.0.1:" + redirector.getAddress().getPort();
  }

  @Test
  void aRedirectedHeadFailsTheSource() throws Exception {
    String url = redirecting(p -> p.equals("/v1/head"));
    Throwable e = catchThrowable(() -> client.pull(List.of(new HttpSource(url, client.config)), true));
    assertThat(e).isInstanceOf(PullException.class).hasMessageContaining(url + "/v1/head")
        .hasMessageContaining("redirect").hasMessageContaining(origin.url() + "/v1/head");
    assertThat(client.refs.current).isNull();
  }

  @Test
  void aRedirectedObjectDropsTheSource() throws Exception {
    ObjectId root = origin.repo.objectDatabase().readManifest(v1).rootId();
    String rootPath = "/" + StaticPaths.object(root);
    String url = redirecting(p -> p.equals(rootPath));
    Throwable e = catchThrowable(() -> client.pull(List.of(new HttpSource(url, client.config)), true));
    assertThat(e).isInstanceOf(PullException.class).hasMessageContaining(url + rootPath)
        .hasMessageContaining("redirect");
    assertThat(client.refs.current).isNull();
    assertThat(client.repo.objects().contains(root)).isFalse();
  }
}
