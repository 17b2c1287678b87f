package org.casfs.sync.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.casfs.cas.Entry;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.sync.Client;
import org.casfs.sync.Origin;
import org.casfs.sync.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server whose own repository is damaged says so to its owner, one line naming the object however
 * often it is asked for, and its clients learn which object it could not give them (the fetch
 * stream stays whole: the object's frame is filled, the client refuses it and goes elsewhere).
 * Answered requests and clients that go away say nothing.
 */
class ServerProblemsTest {
  @TempDir Path tmp;

  @Test
  void aDamagedObjectIsReportedOnceNamingIt() throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();
    try (Origin origin = new Origin(tmp.resolve("origin"));
        Client good = new Client(tmp.resolve("good"), origin.key.publicKey());
        Client late = new Client(tmp.resolve("late"), origin.key.publicKey())) {
      ObjectDatabase db = origin.repo.objectDatabase();
      ObjectId v1 = TestImages.version(db, "stable", 1, 42, 2, 12, 0, null);
      origin.publish(v1);
      origin.server = new Server(db, origin.state, ServerConfig.loopback(0)).logProblemsTo(lines::add)
          .cacheFetchStreams().start();
      ObjectId victim = largestLooseBlob(db, v1);
      Path loose = origin.repo.objects().loosePath(victim);
      loose.toFile().setWritable(true);
      byte[] bytes = Files.readAllBytes(loose);
      bytes[bytes.length / 2] ^= 0x40;
      Files.write(loose, bytes);

      // The stream goes out whole, the damaged object's frame filled with zeros where it could not
      // be read: the client refuses that object in its own words and knows to go elsewhere.
      assertThatThrownBy(() -> late.pull(origin.url(), true)).isInstanceOf(IOException.class)
          .hasMessageContaining("object " + victim + " is corrupt").hasMessageContaining("pull from another source");
      awaitLines(lines, 1); // the server logs once its side of the stream ends, maybe after the client's
      assertThat(lines).as("every attempt of the pull met it; one line").hasSize(1);
      assertThat(lines.get(0)).startsWith("could not answer POST /v1/fetch: object " + victim + " is corrupt")
          .contains("casfs fsck").doesNotContain("\n");

      // Repaired, the server sends it again: the stream with the gap was not kept for later clients.
      bytes[bytes.length / 2] ^= 0x40;
      Files.write(loose, bytes);
      assertThat(good.pull(origin.url(), true).manifest()).isEqualTo(v1);
      assertThat(lines).as("a pull answered in full adds nothing").hasSize(1);
      // Its loose file gone: the same, a whole stream and one more line (from a server that keeps
      // no streams: the one above would answer from the stream it kept for the last pull).
      origin.server.close();
      origin.server = new Server(db, origin.state, ServerConfig.loopback(0)).logProblemsTo(lines::add).start();
      Files.delete(loose);
      try (Client gone = new Client(tmp.resolve("gone"), origin.key.publicKey())) {
        assertThatThrownBy(() -> gone.pull(origin.url(), true)).isInstanceOf(IOException.class)
            .hasMessageContaining("object " + victim + " is corrupt");
      }
      awaitLines(lines, 2);
      assertThat(lines).hasSize(2);
    }
  }

  private static void awaitLines(List<String> lines, int n) throws InterruptedException {
    for (long end = System.nanoTime() + 10_000_000_000L; lines.size() < n && System.nanoTime() < end; ) {
      Thread.sleep(20);
    }
  }

  private static ObjectId largestLooseBlob(ObjectDatabase db, ObjectId version) throws IOException {
    ObjectId best = null;
    long size = -1;
    for (Entry dir : db.readTree(db.readManifest(version).rootId()).entries()) {
      for (Entry e : db.readTree(dir.childId()).entries()) {
        if (e.isRegular() && e.size() > size) {
          best = e.childId();
          size = e.size();
        }
      }
    }
    assertThat(size).as("a blob stored as a loose file").isGreaterThan(100_000);
    return best;
  }
}
