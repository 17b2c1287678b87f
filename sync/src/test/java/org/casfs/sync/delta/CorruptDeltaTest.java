package org.casfs.sync.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.casfs.cas.Hashes;
import org.junit.jupiter.api.Test;

/** Every damaged delta ends in one CorruptDeltaException naming it; nothing else escapes. */
class CorruptDeltaTest {
  private static final long SEED = Long.getLong("casfs.seed", System.nanoTime());

  private static final List<DeltaEncoder> ENCODERS = List.of(Deltas.encoder(DeltaEngine.ZSTD),
      Deltas.encoder(DeltaEngine.BSDIFF), new ZstdDelta(9, 4096, 2048, 1024), new BlockDelta(3, 64));

  @Test
  void flippedBytesAndTruncationsAreRejected() throws Exception {
    Random r = new Random(SEED);
    byte[] a = RandomEdits.content(r, 30_000);
    byte[] b = RandomEdits.edit(r, a, 6);
    Hashes ha = Hashes.of(a);
    Hashes hb = Hashes.of(b);
    for (DeltaEncoder enc : ENCODERS) {
      byte[] delta = Deltas.create(enc, ha.id(), BlobSource.of(a), hb, BlobSource.of(b));
      for (int round = 0; round < 300; round++) {
        byte[] bad;
        if (round % 3 == 0) {
          bad = Arrays.copyOf(delta, r.nextInt(delta.length)); // truncated
        } else {
          bad = delta.clone();
          for (int k = 0; k <= round % 4; k++) {
            bad[r.nextInt(bad.length)] ^= (byte) (1 + r.nextInt(255));
          }
        }
        String what = "seed " + SEED + " engine " + enc.engine() + " round " + round;
        try {
          byte[] out = Deltas.apply(bad, ha.id(), hb, a);
          // A flip in a part zstd never reads back (e.g. a literal later overwritten) can still
          // yield the right blob: accepted only because it hashes right.
          assertThat(out).as(what).isEqualTo(b);
        } catch (CorruptDeltaException e) {
          assertThat(e.getMessage()).as(what).contains(DeltaHeader.name(ha.id(), hb.id())).contains("fetch the whole blob");
          assertThat(e.id()).isEqualTo(hb.id());
        }
      }
    }
  }

  @Test
  void deltaForOtherBlobsIsRejected() throws Exception {
    byte[] a = "old contents of a config file\n".repeat(50).getBytes();
    byte[] b = "new contents of a config file\n".repeat(50).getBytes();
    byte[] c = "something else entirely\n".repeat(50).getBytes();
    Hashes ha = Hashes.of(a);
    byte[] delta = Deltas.create(Deltas.encoder(DeltaEngine.ZSTD), ha.id(), BlobSource.of(a), Hashes.of(b),
        BlobSource.of(b));
    assertThatThrownBy(() -> Deltas.apply(delta, ha.id(), Hashes.of(c), a))
        .isInstanceOf(CorruptDeltaException.class).hasMessageContaining("its header names");
    assertThatThrownBy(() -> Deltas.apply(delta, Hashes.of(c).id(), Hashes.of(b), c))
        .isInstanceOf(CorruptDeltaException.class);
    // The right delta applied to an old blob that is not what its id says (damaged locally):
    // the result does not hash to the new blob.
    Random r = new Random(SEED);
    byte[] old = RandomEdits.content(r, 20_000);
    byte[] neu = RandomEdits.edit(r, old, 3);
    byte[] damaged = old.clone();
    // Damage spread over the whole blob: a single flipped byte can sit in a region the random
    // edits deleted, and then the delta never reads it (and rightly still yields the new blob).
    for (int i = 0; i < damaged.length; i += 512) {
      damaged[i] ^= 1;
    }
    byte[] d = Deltas.create(Deltas.encoder(DeltaEngine.ZSTD), Hashes.of(old).id(), BlobSource.of(old),
        Hashes.of(neu), BlobSource.of(neu));
    assertThat(Deltas.apply(d, Hashes.of(old).id(), Hashes.of(neu), old)).isEqualTo(neu);
    assertThatThrownBy(() -> Deltas.apply(d, Hashes.of(old).id(), Hashes.of(neu), damaged))
        .isInstanceOf(CorruptDeltaException.class).hasMessageContaining("hashes to");
  }

  @Test
  void hugeDeclaredSizesAreRefusedBeforeAllocating() throws Exception {
    byte[] a = new byte[100];
    byte[] b = new byte[120];
    Hashes hb = Hashes.of(b);
    for (DeltaEngine engine : DeltaEngine.values()) {
      byte[] delta = Deltas.create(Deltas.encoder(engine), Hashes.of(a).id(), BlobSource.of(a), hb, BlobSource.of(b));
      // rewrite the body's first length field to a huge varint
      byte[] bad = Arrays.copyOf(delta, delta.length + 8);
      System.arraycopy(delta, DeltaHeader.LENGTH, bad, DeltaHeader.LENGTH + 8, delta.length - DeltaHeader.LENGTH);
      for (int i = 0; i < 8; i++) {
        bad[DeltaHeader.LENGTH + i] = (byte) 0xff;
      }
      assertThatThrownBy(() -> Deltas.apply(bad, Hashes.of(a).id(), hb, a)).as(engine.label())
          .isInstanceOf(CorruptDeltaException.class);
    }
  }
}
