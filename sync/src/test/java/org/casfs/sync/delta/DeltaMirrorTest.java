package org.casfs.sync.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.sync.Client;
import org.casfs.sync.Mirror;
import org.casfs.sync.Nginx;
import org.casfs.sync.Origin;
import org.casfs.sync.TestImages;
import org.casfs.sync.pull.DirSource;
import org.casfs.sync.pull.HttpSource;
import org.casfs.sync.pull.PullListener;
import org.casfs.sync.pull.PullProgress;
import org.casfs.sync.pull.Puller;
import org.casfs.sync.pull.Source;
import org.casfs.sync.wire.StaticPaths;

/**
 * A static mirror with deltas ({@code casfs mirror} copies the origin's blob deltas to
 * {@code v1/deltas/ab/}; {@link Mirror} writes tree deltas from the version the folder offered
 * before): a client running v1 pulls v2 from Debian's nginx serving the folder (GETs
 * only, no fetch stream) and from the folder itself, rebuilds the changed files from the deltas,
 * verifies v2, and receives a fraction of the whole blobs' bytes; a damaged delta file costs that
 * one blob (fetched whole), not the source. Hand-made versions: 16 files of ~64 KB, each edited a
 * little, beside 80 unchanged small ones (seeded; the seed is printed on failure).
 */
class DeltaMirrorTest {
  private static final long SEED = Long.getLong("casfs.seed", System.nanoTime());

  @org.junit.jupiter.api.io.TempDir Path tmp;

  @org.junit.jupiter.api.Test
  void updateFromAStaticMirrorUsesItsDeltas() throws Exception {
    try (Origin origin = new Origin(tmp.resolve("origin"));
        Client overHttp = new Client(tmp.resolve("http"), origin.key.publicKey());
        Client fromDir = new Client(tmp.resolve("dir"), origin.key.publicKey());
        Client whole = new Client(tmp.resolve("whole"), origin.key.publicKey());
        Client damaged = new Client(tmp.resolve("damaged"), origin.key.publicKey())) {
      ObjectDatabase db = origin.repo.objectDatabase();
      Random r = new Random(SEED);
      Path d1 = tmp.resolve("v1");
      Path d2 = tmp.resolve("v2");
      Files.createDirectories(d1.resolve("lib"));
      Files.createDirectories(d2.resolve("lib"));
      for (int i = 0; i < 16; i++) {
        byte[] a = RandomEdits.content(r, 48_000 + r.nextInt(32_000));
        Files.write(d1.resolve("lib/file" + i), a);
        Files.write(d2.resolve("lib/file" + i), RandomEdits.edit(r, a, 3));
      }
      for (int i = 0; i < 80; i++) { // unchanged files: lib/ and the root change in a few entries only
        byte[] a = RandomEdits.content(r, 100 + r.nextInt(100));
        Path dir = i < 60 ? Path.of("lib") : Path.of(".");
        Files.write(d1.resolve(dir).resolve("same" + i), a);
        Files.write(d2.resolve(dir).resolve("same" + i), a);
      }
      ObjectId v1 = TestVersions.importVersion(db, d1, 1);
      ObjectId v2 = TestVersions.importVersion(db, d2, 2, v1);
      Path mirror = tmp.resolve("mirror");
      origin.publish(v1);
      new Mirror(db, origin.state).write(mirror);
      for (Client c : new Client[] {overHttp, fromDir, whole, damaged}) {
        assertThat(c.pull(List.of(new DirSource(mirror)), true).manifest()).isEqualTo(v1);
      }

      // The origin signs v2 with its deltas and mirrors both, as 'casfs sign' + 'casfs mirror' do.
      DeltaStore store = DeltaStore.open(origin.repo.stagingDir("deltas"), 64L << 20);
      VersionDeltas.Report report = new VersionDeltas(db, DeltaBudget.defaults(), 2).compute(v1, v2, store);
      assertThat(store.deltaNames()).as("seed " + SEED).hasSize(16);
      origin.publish(v2);
      assertThat(new Mirror(db, origin.state).deltasFrom(store).write(mirror).blobDeltasWritten()).isEqualTo(16);
      Path deltaDir = mirror.resolve(StaticPaths.DELTAS);

      Puller.Result plain = whole.pull(List.of(new DirSource(mirror)), true); // no decoder: whole blobs
      assertThat(plain.manifest()).isEqualTo(v2);

      try (Stream<Path> s = Files.walk(deltaDir)) {
        assertThat(s.filter(Files::isRegularFile).count()).as("16 blob deltas + 2 tree deltas written by the mirror")
            .isEqualTo(18);
      }

      Puller.Result dir = pull(fromDir, new DirSource(mirror), PullListener.QUIET);
      assertThat(dir.manifest()).isEqualTo(v2);
      assertThat(TestImages.verifyAll(fromDir.repo.objectDatabase(), v2)).isGreaterThanOrEqualTo(16);
      assertThat(kept(fromDir)).as("blob deltas applied (and kept to serve neighbours)").hasSize(16);
      assertThat(dir.bytesReceived()).as("bytes with deltas vs whole blobs, seed " + SEED)
          .isLessThan(plain.bytesReceived() / 4);

      System.out.printf("mirror folder v1->v2: %d bytes with deltas, %d whole blobs; %d delta bytes at the origin%n",
          dir.bytesReceived(), plain.bytesReceived(), report.wireBytes());
      assumeTrue(Nginx.available(), "nginx is not installed");
      try (Nginx nginx = new Nginx(mirror, tmp.resolve("nginx"))) {
        Puller.Result http = pull(overHttp, new HttpSource(nginx.url(), overHttp.config), PullListener.QUIET);
        assertThat(http.manifest()).isEqualTo(v2);
        assertThat(TestImages.verifyAll(overHttp.repo.objectDatabase(), v2)).isGreaterThanOrEqualTo(16);
        assertThat(kept(overHttp)).hasSize(16);
        assertThat(http.bytesReceived()).as("seed " + SEED).isLessThan(plain.bytesReceived() / 4);
        String log = Files.readString(nginx.dir.resolve("access.log"));
        assertThat(log.lines().filter(l -> l.contains("/v1/deltas/")).count()).isEqualTo(18);
        assertThat(log.lines().filter(l -> l.contains("GET /v1/objects/")).count())
            .as("only the manifest is fetched whole; both trees and 16 blobs from deltas").isEqualTo(1);
      }

      // One delta file damaged on the mirror: that blob comes whole, the rest from deltas.
      String victim = store.deltaNames().get(0);
      Path victimFile = deltaDir.resolve(StaticPaths.fannedOut(victim));
      byte[] bad = Files.readAllBytes(victimFile);
      bad[bad.length - 5] ^= 0x33;
      Files.write(victimFile, bad);
      List<String> notes = Collections.synchronizedList(new ArrayList<>());
      Puller.Result rd = pull(damaged, new DirSource(mirror), new PullListener() {
        @Override
        public void progress(PullProgress p) {}

        @Override
        public void note(String line) {
          notes.add(line);
        }
      });
      assertThat(rd.manifest()).isEqualTo(v2);
      assertThat(TestImages.verifyAll(damaged.repo.objectDatabase(), v2)).isGreaterThanOrEqualTo(16);
      assertThat(notes).hasSize(1).allMatch(n -> n.contains("unusable") && n.contains("fetch the whole blob"));
      assertThat(kept(damaged)).hasSize(15);
    }
  }

  private static Puller.Result pull(Client c, Source s, PullListener l) throws Exception {
    DeltaStore keep = DeltaStore.open(c.repo.stagingDir("deltas"), 1L << 30);
    return c.puller().listener(l).addDecoder(new DeltaFrameDecoder(c.repo.stagingDir("tmp-deltas"), keep))
        .pull(List.of(s), true);
  }

  private static List<String> kept(Client c) throws Exception {
    DeltaStore.awaitBackgroundWrites(); // kept in memory during the pull, written after it
    return DeltaStore.open(c.repo.stagingDir("deltas"), 1L << 30).deltaNames();
  }
}
