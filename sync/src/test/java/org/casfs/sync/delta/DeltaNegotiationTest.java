package org.casfs.sync.delta;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.casfs.cas.ObjectId;
import org.casfs.sync.Client;
import org.casfs.sync.Origin;
import org.casfs.sync.TestImages;
import org.casfs.sync.pull.HttpSource;
import org.casfs.sync.pull.PullListener;
import org.casfs.sync.pull.PullProgress;
import org.casfs.sync.pull.Puller;
import org.casfs.sync.wire.FetchRequest;
import org.casfs.sync.wire.FrameHeader;
import org.casfs.sync.wire.WireException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Capability negotiation and fallback of delta frames, on small hand-made versions over loopback
 * HTTP: a client without a delta decoder (an older casfs) pulling from a delta-serving origin gets
 * whole blobs; a client with one says {@code accept 16} and gets deltas; a corrupt delta costs
 * only that blob (fetched whole from the same source), not the source.
 */
class DeltaNegotiationTest {
  private static final long SEED = Long.getLong("casfs.seed", System.nanoTime());

  @TempDir Path tmp;

  @Test
  void acceptLinesRoundTripAndAreStrict() throws Exception {
    ObjectId want = ObjectId.fromString("0123456789abcdef0123456789abcdef01234567");
    FetchRequest plain = new FetchRequest(want, List.of(), List.of(), List.of());
    FetchRequest withDeltas = new FetchRequest(want, List.of(), List.of(), List.of(), List.of(16));
    assertThat(new String(plain.encode(), StandardCharsets.US_ASCII)).doesNotContain("accept");
    assertThat(new String(withDeltas.encode(), StandardCharsets.US_ASCII)).contains("accept 16\n");
    assertThat(FetchRequest.parse(withDeltas.encode()).accepts(DeltaFetchHook.FRAME_TYPE)).isTrue();
    assertThat(FetchRequest.parse(plain.encode()).accepts(DeltaFetchHook.FRAME_TYPE)).isFalse();
    for (String bad : new String[] {"accept x", "accept 2", "accept 256", "accept ", "accept 0016"}) {
      byte[] body = ("casfs-fetch 1\nwant " + want.name() + "\n" + bad + "\n").getBytes(StandardCharsets.US_ASCII);
      assertThatThrownBy(() -> FetchRequest.parse(body)).as(bad).isInstanceOf(WireException.class);
    }
  }

  @Test
  void oldClientGetsWholeBlobsAndNewClientGetsDeltas() throws Exception {
    try (Origin origin = new Origin(tmp.resolve("origin"));
        Client old = new Client(tmp.resolve("old"), origin.key.publicKey());
        Client neu = new Client(tmp.resolve("new"), origin.key.publicKey())) {
      ObjectId[] v = versions(origin);
      origin.serve();
      DeltaService service = DeltaService.forPeer(origin.repo.objectDatabase(),
          DeltaStore.open(origin.repo.stagingDir("deltas"), 64L << 20));
      origin.server.deltaSource(service).addFetchHook(new DeltaFetchHook(service));
      old.pull(origin.url(), true);
      pullWithDecoder(neu, origin.url(), PullListener.QUIET);
      origin.publish(v[1]);

      long s0 = origin.server.bytesSent();
      Puller.Result r = old.pull(origin.url(), true); // no decoder: would fail on a frame 16
      long oldBytes = origin.server.bytesSent() - s0;
      assertThat(r.manifest()).isEqualTo(v[1]);
      assertThat(TestImages.verifyAll(old.repo.objectDatabase(), v[1])).isGreaterThan(10);

      long s1 = origin.server.bytesSent();
      Puller.Result d = pullWithDecoder(neu, origin.url(), PullListener.QUIET);
      long deltaBytes = origin.server.bytesSent() - s1;
      assertThat(d.manifest()).isEqualTo(v[1]);
      assertThat(TestImages.verifyAll(neu.repo.objectDatabase(), v[1])).isGreaterThan(10);
      DeltaStore.awaitBackgroundWrites(); // kept in memory during the pull, written after it
      assertThat(DeltaStore.open(neu.repo.stagingDir("deltas"), 1L << 30).totalBytes())
          .as("the new client received deltas").isGreaterThan(0);
      assertThat(deltaBytes).as("with deltas vs whole (seed " + SEED + ")").isLessThan(oldBytes / 3);
    }
  }

  @Test
  void corruptDeltaCostsOnlyThatBlobNotTheSource() throws Exception {
    try (Origin origin = new Origin(tmp.resolve("origin"));
        Client client = new Client(tmp.resolve("client"), origin.key.publicKey())) {
      ObjectId[] v = versions(origin);
      origin.serve();
      DeltaService service = DeltaService.forPeer(origin.repo.objectDatabase(),
          DeltaStore.open(origin.repo.stagingDir("deltas"), 64L << 20));
      // Every other delta the origin sends has a byte flipped in its body.
      int[] count = {0};
      origin.server.addFetchHook((blob, oldEntry, request, out) -> {
        if (!request.accepts(DeltaFetchHook.FRAME_TYPE) || oldEntry == null || !oldEntry.isRegular()
            || oldEntry.childId().equals(blob.childId())) {
          return false;
        }
        byte[] delta = service.deltaOrNull(oldEntry.childId(), blob.childId());
        if (delta == null) {
          return false;
        }
        if (count[0]++ % 2 == 0) {
          delta = delta.clone();
          for (int i = DeltaHeader.LENGTH; i < delta.length; i++) {
            delta[i] ^= 0x5a;
          }
        }
        out.frame(new FrameHeader(DeltaFetchHook.FRAME_TYPE, blob.child(), delta.length), delta);
        return true;
      });
      pullWithDecoder(client, origin.url(), PullListener.QUIET);
      origin.publish(v[1]);

      List<String> notes = Collections.synchronizedList(new ArrayList<>());
      PullListener listener = new PullListener() {
        @Override
        public void progress(PullProgress p) {}

        @Override
        public void note(String line) {
          notes.add(line);
        }
      };
      Puller.Result r = pullWithDecoder(client, origin.url(), listener);
      assertThat(r.manifest()).isEqualTo(v[1]);
      assertThat(TestImages.verifyAll(client.repo.objectDatabase(), v[1])).isGreaterThan(10);
      assertThat(count[0]).as("deltas sent").isGreaterThanOrEqualTo(4);
      assertThat(notes).as("one note per unusable delta, no source dropped").isNotEmpty()
          .allMatch(n -> n.contains("unusable") && n.contains("fetch the whole blob"))
          .noneMatch(n -> n.contains("dropped"));
      assertThat(notes).hasSize((count[0] + 1) / 2);
      assertThat(r.requests()).as("the whole blobs came by GET from the same source").isGreaterThan(2);
    }
  }

  /** v1: 12 files of random text; v2: each changed a little. Publishes v1. */
  private ObjectId[] versions(Origin origin) throws Exception {
    Random r = new Random(SEED);
    Path d1 = tmp.resolve("v1");
    Path d2 = tmp.resolve("v2");
    Files.createDirectories(d1.resolve("lib"));
    Files.createDirectories(d2.resolve("lib"));
    for (int i = 0; i < 12; i++) {
      byte[] a = RandomEdits.content(r, 40_000 + r.nextInt(40_000));
      Files.write(d1.resolve("lib/file" + i), a);
      Files.write(d2.resolve("lib/file" + i), RandomEdits.edit(r, a, 3));
    }
    var db = origin.repo.objectDatabase();
    ObjectId v1 = TestVersions.importVersion(db, d1, 1);
    ObjectId v2 = TestVersions.importVersion(db, d2, 2, v1);
    origin.publish(v1);
    return new ObjectId[] {v1, v2};
  }

  private static Puller.Result pullWithDecoder(Client c, String url, PullListener l) throws Exception {
    DeltaStore keep = DeltaStore.open(c.repo.stagingDir("deltas"), 1L << 30);
    return c.puller().listener(l).addDecoder(new DeltaFrameDecoder(c.repo.stagingDir("tmp-deltas"), keep))
        .addDecoder(new TreeDeltaFrameDecoder()).pull(List.of(new HttpSource(url, c.config)), true);
  }
}
