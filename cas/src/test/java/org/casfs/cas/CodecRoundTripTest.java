package org.casfs.cas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** decode(encode(x)) == x, encodings are deterministic, and any accepted encoding is canonical. */
class CodecRoundTripTest {
  @Test
  void treesRoundTrip() throws Exception {
    Seeded.run((rnd, gen) -> {
      for (int i = 0; i < 400; i++) {
        Tree t = gen.tree(i % 50 == 0 ? 300 : 12);
        byte[] enc = TreeCodec.encode(t);
        Tree back = TreeCodec.decode(Hashes.of(enc).id(), enc);
        assertThat(back).isEqualTo(t);
        assertThat(back.entries()).containsExactlyElementsOf(t.entries());
        assertThat(TreeCodec.encode(back)).isEqualTo(enc);
        // The order entries are given in does not matter: the same directory, the same id.
        List<Entry> shuffled = new ArrayList<>(t.entries());
        Collections.shuffle(shuffled, rnd);
        assertThat(TreeCodec.encode(Tree.of(shuffled))).isEqualTo(enc);
      }
    });
  }

  @Test
  void manifestsRoundTrip() throws Exception {
    Seeded.run((rnd, gen) -> {
      for (int i = 0; i < 1000; i++) {
        Manifest m = gen.manifest();
        byte[] enc = ManifestCodec.encode(m);
        Manifest back = ManifestCodec.decode(Hashes.of(enc).id(), enc);
        assertThat(back).isEqualTo(m);
        assertThat(ManifestCodec.encode(back)).isEqualTo(enc);
      }
    });
  }

  @Test
  void extremeNumbersRoundTrip() throws Exception {
    long[] times = {Long.MIN_VALUE, Long.MIN_VALUE + 1, -(1L << 62) - 1, -(1L << 62), (1L << 62) - 1, 1L << 62,
        Long.MAX_VALUE, -1, 0, 1};
    for (long t : times) {
      Metadata meta = new Metadata(07777, 0xffffffffL, 0xffffffffL, t, Xattrs.EMPTY);
      Tree tree = Tree.of(List.of(Entry.special(Name.of("dev"), EntryType.BLOCK_DEVICE, meta, Long.MAX_VALUE)
          .withLink(Long.MAX_VALUE, Integer.MAX_VALUE)));
      byte[] enc = TreeCodec.encode(tree);
      assertThat(TreeCodec.decode(null, enc)).isEqualTo(tree);
      Manifest m = new Manifest(Hashes.of(enc), meta, "stable", Long.MAX_VALUE, "", null, t);
      assertThat(ManifestCodec.decode(null, ManifestCodec.encode(m))).isEqualTo(m);
    }
  }

  /**
   * Strict decoding means one encoding per value: a damaged encoding either fails with a
   * CorruptObjectException or is exactly the canonical encoding of what it decodes to. Nothing
   * else escapes the decoder.
   */
  @Test
  void mutatedEncodingsFailCleanlyOrAreCanonical() throws Exception {
    Seeded.run((rnd, gen) -> {
      for (int i = 0; i < 3000; i++) {
        boolean tree = rnd.nextBoolean();
        byte[] enc = tree ? TreeCodec.encode(gen.tree(6)) : ManifestCodec.encode(gen.manifest());
        byte[] bad = enc.clone();
        int flips = 1 + rnd.nextInt(3);
        for (int f = 0; f < flips; f++) {
          int at = rnd.nextInt(bad.length);
          bad[at] = rnd.nextBoolean() ? (byte) (bad[at] ^ (1 << rnd.nextInt(8))) : (byte) rnd.nextInt(256);
        }
        try {
          byte[] again = tree ? TreeCodec.encode(TreeCodec.decode(null, bad))
              : ManifestCodec.encode(ManifestCodec.decode(null, bad));
          assertThat(again).as("an accepted encoding must be canonical").isEqualTo(bad);
        } catch (CorruptObjectException expected) {
          assertThat(expected.getMessage()).contains(tree ? "tree does not decode" : "manifest does not decode");
        } catch (RuntimeException e) {
          fail("decoder escaped with " + e + " on " + Arrays.toString(bad), e);
        }
      }
    });
  }

  @Test
  void treeBuildersRefuseWhatCouldNotBeEncoded() {
    Metadata meta = Metadata.of(0644, 0, 0, 0);
    assertThatThrownBy(() -> Entry.special(Name.of("d"), EntryType.CHAR_DEVICE, meta, -1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative rdev");
    assertThatThrownBy(() -> new Manifest(Hashes.of(new byte[0]), meta, "stable", 0, "bad \ud800 label", null, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("surrogate");
    assertThatThrownBy(() -> Xattrs.of(Map.of("user.\u4e2d", new byte[0])))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
