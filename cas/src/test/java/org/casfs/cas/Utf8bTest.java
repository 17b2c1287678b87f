package org.casfs.cas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class Utf8bTest {
  @Test
  void anyBytesSurviveDecodeThenEncode() throws Exception {
    Seeded.run((rnd, gen) -> {
      for (int round = 0; round < 20_000; round++) {
        byte[] b = new byte[rnd.nextInt(24)];
        if (rnd.nextBoolean()) {
          rnd.nextBytes(b);
        } else {
          // mostly UTF-8 with a stray byte here and there: the cases a real name has
          String s = new String(Character.toChars(0x20 + rnd.nextInt(0x2ffff)));
          byte[] u = (s + "é" + s).getBytes(StandardCharsets.UTF_8);
          b = Arrays.copyOf(u, u.length + 1);
          b[rnd.nextInt(b.length)] = (byte) (0x80 + rnd.nextInt(0x80));
        }
        String decoded = Utf8b.decode(b);
        assertThat(Utf8b.encode(decoded)).as("bytes %s", Arrays.toString(b)).isEqualTo(b);
        boolean utf8 = Arrays.equals(new String(b, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8), b);
        assertThat(Utf8b.hasEscapedBytes(decoded)).as("bytes %s", Arrays.toString(b)).isEqualTo(!utf8);
        if (utf8) {
          assertThat(decoded).isEqualTo(new String(b, StandardCharsets.UTF_8));
        }
      }
    });
  }

  @Test
  void stringsWithoutLoneSurrogatesEncodeAsUtf8() throws Exception {
    Seeded.run((rnd, gen) -> {
      for (int round = 0; round < 5_000; round++) {
        StringBuilder sb = new StringBuilder();
        for (int i = rnd.nextInt(12); i > 0; i--) {
          int cp;
          do {
            cp = rnd.nextInt(0x110000);
          } while (cp >= 0xd800 && cp <= 0xdfff);
          sb.appendCodePoint(cp);
        }
        String s = sb.toString();
        assertThat(Utf8b.encode(s)).isEqualTo(s.getBytes(StandardCharsets.UTF_8));
        assertThat(Utf8b.decode(Utf8b.encode(s))).isEqualTo(s);
      }
    });
  }

  @Test
  void malformedSequencesEscapeEachByte() {
    // Latin-1 "café", an overlong '/', an encoded surrogate, a cut-off sequence, past U+10FFFF
    assertThat(Utf8b.decode(new byte[] {'c', 'a', 'f', (byte) 0xe9})).isEqualTo("caf\udce9");
    assertThat(Utf8b.decode(new byte[] {(byte) 0xc0, (byte) 0xaf})).isEqualTo("\udcc0\udcaf");
    assertThat(Utf8b.decode(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80})).isEqualTo("\udced\udca0\udc80");
    assertThat(Utf8b.decode(new byte[] {(byte) 0xe2, (byte) 0x82})).isEqualTo("\udce2\udc82");
    assertThat(Utf8b.decode(new byte[] {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}))
        .isEqualTo("\udcf4\udc90\udc80\udc80");
    assertThat(Utf8b.decode("日本".getBytes(StandardCharsets.UTF_8))).isEqualTo("日本");
  }

  @Test
  void aLoneSurrogateDecodeCannotMakeIsRefused() {
    assertThatThrownBy(() -> Utf8b.encode("a\ud800b")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("U+D800");
    assertThatThrownBy(() -> Utf8b.encode("a\udc41")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("U+DC41");
  }
}
