package org.casfs.sync.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.casfs.cas.ObjectId;
import org.casfs.sync.Origin;
import org.casfs.sync.delta.TestVersions;
import org.casfs.sync.wire.StaticPaths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The object paths a server answers: fanned out as {@code casfs mirror} writes them, and flat. */
class ServerPathsTest {
  @TempDir Path tmp;

  private static int status(String url) throws Exception {
    HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
    try {
      return c.getResponseCode();
    } finally {
      c.disconnect();
    }
  }

  @Test
  void objectsAreAnsweredFannedOutAndFlatAndAWrongFolderIsABadRequest() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("hello"), "hello\n");
    try (Origin origin = new Origin(tmp.resolve("origin"))) {
      ObjectId v = TestVersions.importVersion(origin.repo.objectDatabase(), src, 1);
      origin.publish(v);
      origin.serve();
      assertThat(StaticPaths.object(v)).isEqualTo("v1/objects/" + v.name().substring(0, 2) + "/" + v.name());
      assertThat(status(origin.url() + "/" + StaticPaths.object(v))).isEqualTo(200);
      assertThat(status(origin.url() + "/v1/objects/" + v.name())).isEqualTo(200);
      String otherFolder = v.name().startsWith("00") ? "01" : "00";
      assertThat(status(origin.url() + "/v1/objects/" + otherFolder + "/" + v.name())).isEqualTo(400);
      assertThat(status(origin.url() + "/v1/objects/" + v.name().substring(0, 2) + "/nothex")).isEqualTo(400);
      ObjectId absent = ObjectId.fromString("ab" + "0".repeat(38));
      assertThat(status(origin.url() + "/" + StaticPaths.object(absent))).isEqualTo(404);
      assertThat(status(origin.url() + "/" + StaticPaths.delta(absent, v))).isEqualTo(404);
    }
  }
}
