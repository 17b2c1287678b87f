package org.casfs.sync;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.util.Native;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** zstd loaded through the per-user cache works, and loading twice is harmless. */
class ZstdLibraryTest {
  @Test
  void loadsOnceAndCompresses() {
    ZstdLibrary.load();
    ZstdLibrary.load();
    assertThat(Native.isLoaded()).isTrue();
    byte[] text = "a fetch stream, compressed and back ".repeat(100).getBytes(StandardCharsets.UTF_8);
    byte[] packed = Zstd.compress(text, 1);
    assertThat(packed.length).isLessThan(text.length / 10);
    assertThat(Zstd.decompress(packed, text.length)).isEqualTo(text);
  }
}
