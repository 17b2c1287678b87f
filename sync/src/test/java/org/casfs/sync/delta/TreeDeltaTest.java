package org.casfs.sync.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.casfs.cas.Entry;
import org.casfs.cas.Manifest;
import org.casfs.cas.Name;
import org.casfs.cas.ObjectId;
import org.casfs.cas.ObjectType;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.cas.store.ObjectReader;
import org.casfs.sync.Client;
import org.casfs.sync.Origin;
import org.casfs.sync.TestImages;
import org.casfs.sync.pull.ExtensionFrameDecoder;
import org.casfs.sync.pull.HttpSource;
import org.casfs.sync.pull.PullListener;
import org.casfs.sync.pull.PullProgress;
import org.casfs.sync.pull.Puller;
import org.casfs.sync.server.Server;
import org.casfs.sync.server.ServerConfig;
import org.casfs.sync.wire.FrameHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tree deltas: a changed directory is sent as a delta against the directory at the same path in
 * the client's version, rebuilt and verified (SHA-1 + SHA-256, strict decoding, the parent's entry)
 * before it is stored; a damaged tree delta costs one GET of that tree, not the source. On
 * hand-made versions with a 600-entry directory of which a few files change (seeded; the seed is
 * printed on failure).
 */
class TreeDeltaTest {
  private static final long SEED = Long.getLong("casfs.seed", System.nanoTime());

  @TempDir Path tmp;

  @Test
  void treeDeltaRebuildsTheTreeAndRejectsDamage() throws Exception {
    try (Origin origin = new Origin(tmp.resolve("origin"))) {
      ObjectDatabase db = origin.repo.objectDatabase();
      ObjectId[] v = versions(origin, false);
      ObjectId oldTree = dirTree(db, v[0]);
      ObjectId newTree = dirTree(db, v[1]);
      DeltaService service = DeltaService.forPeer(db, DeltaStore.open(tmp.resolve("d"), 1 << 20));
      DeltaService.TreeDelta d = service.treeDeltaOrNull(oldTree, newTree);
      byte[] whole = db.store().read(newTree);
      assertThat(d).as("seed " + SEED).isNotNull();
      assertThat(d.payload().length).as("delta vs whole tree of %d bytes, seed %d", whole.length, SEED)
          .isLessThan(whole.length / 10);
      assertThat(TreeDeltas.apply(d.newTree(), d.payload(), db.store())).isEqualTo(whole);

      Random r = new Random(SEED);
      int rejected = 0;
      for (int i = 0; i < 200; i++) {
        byte[] bad = d.payload().clone();
        if (i % 4 == 0) {
          bad = java.util.Arrays.copyOf(bad, r.nextInt(bad.length));
        } else {
          bad[ObjectId.LENGTH + r.nextInt(bad.length - ObjectId.LENGTH)] ^= (byte) (1 + r.nextInt(255));
        }
        // Either refused by name, or (a flipped bit zstd never uses) still exactly the tree.
        try {
          assertThat(TreeDeltas.apply(d.newTree(), bad, db.store())).as("case %d, seed %d", i, SEED).isEqualTo(whole);
        } catch (CorruptDeltaException e) {
          assertThat(e).hasMessageContaining(newTree.name());
          rejected++;
        }
      }
      assertThat(rejected).as("damaged payloads refused, seed " + SEED).isGreaterThan(150);
      // Applied to another tree than it was made for, or naming a tree this machine lacks.
      byte[] otherBase = d.payload().clone();
      System.arraycopy(dirTree(db, v[1]).toRaw(), 0, otherBase, 0, ObjectId.LENGTH);
      assertThatThrownBy(() -> TreeDeltas.apply(d.newTree(), otherBase, db.store()))
          .isInstanceOf(CorruptDeltaException.class);
      byte[] unknownBase = d.payload().clone();
      unknownBase[0] ^= 1;
      assertThatThrownBy(() -> TreeDeltas.apply(d.newTree(), unknownBase, db.store()))
          .isInstanceOf(CorruptDeltaException.class).hasMessageContaining("no tree");
    }
  }

  @Test
  void updatePullSendsChangedTreesAsDeltasAndSurvivesDamagedOnes() throws Exception {
    try (Origin origin = new Origin(tmp.resolve("origin"));
        Client whole = new Client(tmp.resolve("whole"), origin.key.publicKey());
        Client deltas = new Client(tmp.resolve("deltas"), origin.key.publicKey());
        Client damaged = new Client(tmp.resolve("damaged"), origin.key.publicKey())) {
      ObjectId[] v = versions(origin, true);
      ObjectDatabase db = origin.repo.objectDatabase();
      origin.serve();
      DeltaService service = DeltaService.forPeer(db, DeltaStore.open(origin.repo.stagingDir("deltas"), 64L << 20));
      origin.server.deltaSource(service).addFetchHook(new DeltaFetchHook(service));
      // The same store behind a server whose tree deltas all have a byte flipped in their body.
      try (Server bad = new Server(db, origin.state, ServerConfig.loopback(0)).start()) {
        bad.addFetchHook(new org.casfs.sync.server.FetchHook() {
          @Override
          public boolean sendInstead(Entry blob, Entry oldEntry, org.casfs.sync.wire.FetchRequest req,
              org.casfs.sync.wire.FrameWriter out) {
            return false;
          }

          @Override
          public boolean sendTreeInstead(ObjectId tree, ObjectId old, org.casfs.sync.wire.FetchRequest req,
              org.casfs.sync.wire.FrameWriter out) throws IOException {
            DeltaService.TreeDelta d = old == null ? null : service.treeDeltaOrNull(old, tree);
            if (d == null) {
              return false;
            }
            byte[] p = d.payload().clone();
            p[p.length - 3] ^= 0x41;
            out.frame(new FrameHeader(TreeDeltas.FRAME_TYPE, d.newTree(), p.length), p);
            return true;
          }
        });
        for (Client c : new Client[] {whole, deltas, damaged}) {
          c.pull(origin.url(), true);
        }
        origin.publish(v[1]);

        long s0 = origin.server.bytesSent();
        whole.pull(origin.url(), true);
        long wholeBytes = origin.server.bytesSent() - s0;

        CountingDecoder counting = new CountingDecoder();
        long s1 = origin.server.bytesSent();
        Puller.Result r = deltas.puller().addDecoder(counting)
            .pull(List.of(new HttpSource(origin.url(), deltas.config)), true);
        long treeDeltaBytes = origin.server.bytesSent() - s1;
        assertThat(r.manifest()).isEqualTo(v[1]);
        assertThat(TestImages.verifyAll(deltas.repo.objectDatabase(), v[1])).isGreaterThan(640);
        assertThat(counting.decoded.get()).as("trees rebuilt from deltas (root, lib)").isEqualTo(2);
        assertThat(treeDeltaBytes).as("bytes with tree deltas vs whole trees, seed " + SEED)
            .isLessThan(wholeBytes - 30_000);

        List<String> notes = Collections.synchronizedList(new ArrayList<>());
        Puller.Result rd = damaged.puller().addDecoder(new TreeDeltaFrameDecoder()).listener(new PullListener() {
          @Override
          public void progress(PullProgress p) {}

          @Override
          public void note(String line) {
            notes.add(line);
          }
        }).pull(List.of(new HttpSource(bad.url(), damaged.config)), true);
        assertThat(rd.manifest()).isEqualTo(v[1]);
        assertThat(TestImages.verifyAll(damaged.repo.objectDatabase(), v[1])).isGreaterThan(640);
        assertThat(notes).as("one note per damaged tree delta, the source kept").hasSize(2)
            .allMatch(n -> n.contains("unusable")).noneMatch(n -> n.contains("dropped"));
        assertThat(rd.requests()).as("head, the stream and one GET per damaged tree").isEqualTo(4);
      }
    }
  }

  /** Counts the trees it rebuilds. */
  private static final class CountingDecoder implements ExtensionFrameDecoder {
    final AtomicInteger decoded = new AtomicInteger();
    private final TreeDeltaFrameDecoder inner = new TreeDeltaFrameDecoder();

    @Override
    public int type() {
      return inner.type();
    }

    @Override
    public ObjectType rebuilds() {
      return inner.rebuilds();
    }

    @Override
    public InputStream decode(FrameHeader header, long expectedSize, InputStream payload, ObjectReader local)
        throws IOException {
      InputStream in = inner.decode(header, expectedSize, payload, local);
      decoded.incrementAndGet();
      return in;
    }
  }

  /**
   * v1: 40 files at the root and lib/ with 600 small files (names ~20 bytes, so the tree is mostly hashes); v2: 3 of them
   * changed and one added. With {@code publish}, v1 is published.
   */
  private ObjectId[] versions(Origin origin, boolean publish) throws Exception {
    Random r = new Random(SEED);
    Path d1 = tmp.resolve("v1");
    Path d2 = tmp.resolve("v2");
    Files.createDirectories(d1.resolve("lib"));
    Files.createDirectories(d2.resolve("lib"));
    for (int i = 0; i < 600; i++) {
      byte[] a = RandomEdits.content(r, 200 + r.nextInt(200));
      String name = String.format("lib%04d.so.%d", i, r.nextInt(9));
      Files.write(d1.resolve("lib").resolve(name), a);
      Files.write(d2.resolve("lib").resolve(name), i % 200 == 7 ? RandomEdits.edit(r, a, 1) : a);
    }
    Files.write(d2.resolve("lib/added.so"), RandomEdits.content(r, 300));
    for (int i = 0; i < 40; i++) { // a root of some size, unchanged but for lib's entry
      byte[] a = RandomEdits.content(r, 100);
      Files.write(d1.resolve("top-" + i), a);
      Files.write(d2.resolve("top-" + i), a);
    }
    ObjectDatabase db = origin.repo.objectDatabase();
    ObjectId v1 = TestVersions.importVersion(db, d1, 1);
    ObjectId v2 = TestVersions.importVersion(db, d2, 2, v1);
    if (publish) {
      origin.publish(v1);
    }
    return new ObjectId[] {v1, v2};
  }

  private static ObjectId dirTree(ObjectDatabase db, ObjectId version) throws IOException {
    Manifest m = db.readManifest(version);
    Entry lib = db.readTree(m.rootId()).getOrNull(Name.of("lib"));
    return lib.childId();
  }
}
