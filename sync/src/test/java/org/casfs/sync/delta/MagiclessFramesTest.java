package org.casfs.sync.delta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDictContentType;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Frames decoded on reused contexts: a context given back after a dictionary carries nothing of it
 * into the next frame, a frame that does not decode is refused (and its context not kept), and no
 * more than {@link MagiclessFrames#KEPT} contexts wait.
 */
class MagiclessFramesTest {
  private static final long SEED = Long.getLong("casfs.seed", System.nanoTime());

  @Test
  void reusedContextsDecodeWithAndWithoutDictionariesAndForgetThem() throws Exception {
    Random r = new Random(SEED);
    byte[] dict = new byte[64 * 1024];
    r.nextBytes(dict);
    byte[] withDict = Arrays.copyOf(dict, dict.length + 100); // mostly a copy of the dictionary
    byte[] plain = "no dictionary here, only words, words, words".repeat(50).getBytes(StandardCharsets.UTF_8);
    byte[] frameWithDict = compress(dict, withDict);
    byte[] framePlain = compress(new byte[0], plain);
    assertThat(frameWithDict.length).as("seed %d: the dictionary is used", SEED).isLessThan(dict.length / 10);
    for (int round = 0; round < 20; round++) {
      assertThat(MagiclessFrames.decode(dict, frameWithDict, withDict.length, "test")).isEqualTo(withDict);
      assertThat(MagiclessFrames.decode(new byte[0], framePlain, plain.length, "test")).isEqualTo(plain);
      assertThat(MagiclessFrames.idle()).isBetween(1, MagiclessFrames.KEPT);
    }
    // Without the dictionary, a frame that needs it does not decode, on a context that had it before.
    assertThatThrownBy(() -> MagiclessFrames.decode(new byte[0], frameWithDict, withDict.length, "the frame"))
        .isInstanceOf(DeltaFormatException.class).hasMessageStartingWith("the frame does not decode");
    assertThatThrownBy(() -> MagiclessFrames.decode(new byte[0], framePlain, plain.length + 1, "the frame"))
        .isInstanceOf(DeltaFormatException.class).hasMessageStartingWith("the frame decodes to " + plain.length);
    assertThat(MagiclessFrames.decode(new byte[0], framePlain, plain.length, "test")).isEqualTo(plain);
  }

  private static byte[] compress(byte[] dict, byte[] data) {
    try (ZstdCompressCtx ctx = new ZstdCompressCtx()) {
      ctx.setLevel(3);
      ctx.setMagicless(true);
      ctx.setChecksum(false);
      ctx.setContentSize(false);
      ctx.setDictID(false);
      if (dict.length > 0) {
        ctx.loadDict(dict);
      }
      return ctx.compress(data);
    }
  }
}
