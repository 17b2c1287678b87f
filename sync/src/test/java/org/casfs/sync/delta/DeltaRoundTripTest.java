package org.casfs.sync.delta;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Random;
import org.casfs.cas.Hashes;
import org.junit.jupiter.api.Test;

/** Property: apply(delta(a, b), a) == b for every engine, on seeded random pairs. */
class DeltaRoundTripTest {
  private static final long SEED = Long.getLong("casfs.seed", System.nanoTime());

  private static List<DeltaEncoder> encoders() {
    return List.of(Deltas.encoder(DeltaEngine.ZSTD), Deltas.zstdEncoder(3), Deltas.encoder(DeltaEngine.BSDIFF),
        // the block engine, which the planner runs on large blobs only
        Deltas.encoder(DeltaEngine.BLOCKS),
        // windowed zstd with tiny segments, so that small blobs cross many segment borders
        new ZstdDelta(9, 4096, 2048, 1024),
        // blocks of 64 bytes, so that small blobs have many
        new BlockDelta(3, 64));
  }

  @Test
  void applyOfDeltaReproducesTheNewBlob() throws Exception {
    Random seeds = new Random(SEED);
    for (int round = 0; round < 60; round++) {
      long seed = seeds.nextLong();
      Random r = new Random(seed);
      byte[] a = pickOld(r);
      byte[] b = pickNew(r, a);
      for (DeltaEncoder enc : encoders()) {
        assertRoundTrip(enc, a, b, "seed " + SEED + " round " + round + " (" + seed + ") engine "
            + enc.engine() + " sizes " + a.length + "->" + b.length);
      }
    }
  }

  @Test
  void editedBlobsGiveSmallDeltas() throws Exception {
    Random r = new Random(SEED);
    byte[] a = RandomEdits.content(r, 200_000);
    byte[] b = RandomEdits.edit(r, a, 5);
    // the default encoders (the tiny-window test encoder cannot follow shifts beyond its slack)
    for (DeltaEncoder enc : encoders().subList(0, 3)) {
      byte[] d = Deltas.create(enc, Hashes.of(a).id(), BlobSource.of(a), Hashes.of(b), BlobSource.of(b));
      assertThat(d.length).as("seed %d engine %s", SEED, enc.engine()).isLessThan(b.length / 5);
    }
  }

  private static byte[] pickOld(Random r) {
    return switch (r.nextInt(6)) {
      case 0 -> new byte[0];
      case 1 -> RandomEdits.content(r, 1 + r.nextInt(64));
      default -> RandomEdits.content(r, r.nextInt(100_000));
    };
  }

  private static byte[] pickNew(Random r, byte[] a) {
    return switch (r.nextInt(6)) {
      case 0 -> a.clone(); // identical
      case 1 -> new byte[0]; // emptied
      case 2 -> RandomEdits.content(r, r.nextInt(20_000)); // unrelated
      default -> RandomEdits.edit(r, a, 1 + r.nextInt(20));
    };
  }

  static void assertRoundTrip(DeltaEncoder enc, byte[] a, byte[] b, String what) throws Exception {
    Hashes ha = Hashes.of(a);
    Hashes hb = Hashes.of(b);
    byte[] delta = Deltas.create(enc, ha.id(), BlobSource.of(a), hb, BlobSource.of(b));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DeltaHeader h = Deltas.apply(new java.io.ByteArrayInputStream(delta), ha.id(), hb, BlobSource.of(a), out);
    assertThat(out.toByteArray()).as(what).isEqualTo(b);
    assertThat(h.engine()).as(what).isEqualTo(enc.engine());
    assertThat(h.newSize()).as(what).isEqualTo(b.length);
  }
}
