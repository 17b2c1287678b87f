package org.casfs.cas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * An {@link ObjectId} is its 20 bytes and a {@link Sha256} its 32: every view of one (raw, hex,
 * order, equality, hash) agrees with the bytes.
 */
class HashValuesTest {
  @Test
  void everyViewOfAnIdAgreesWithItsBytes() throws Exception {
    Seeded.run((rnd, gen) -> {
      List<byte[]> raws = new ArrayList<>();
      for (int i = 0; i < 2_000; i++) {
        byte[] raw = new byte[ObjectId.LENGTH];
        rnd.nextBytes(raw);
        if (i % 3 == 1) { // near neighbours: ids that differ in one late byte, or only in sign bits
          raw = raws.get(i - 1).clone();
          raw[rnd.nextInt(ObjectId.LENGTH)] ^= (byte) (rnd.nextBoolean() ? 0x80 : 1);
        }
        raws.add(raw);
      }
      for (int i = 0; i < raws.size(); i++) {
        byte[] raw = raws.get(i);
        ObjectId id = ObjectId.fromRaw(raw);
        assertThat(id.toRaw()).isEqualTo(raw);
        assertThat(id.name()).isEqualTo(HexFormat.of().formatHex(raw));
        assertThat(ObjectId.fromString(id.name())).isEqualTo(id);
        byte[] padded = new byte[ObjectId.LENGTH + 7];
        System.arraycopy(raw, 0, padded, 5, ObjectId.LENGTH);
        assertThat(ObjectId.fromRaw(padded, 5)).isEqualTo(id).hasSameHashCodeAs(id);
        byte[] copy = new byte[ObjectId.LENGTH + 3];
        id.copyTo(copy, 2);
        assertThat(Arrays.copyOfRange(copy, 2, 2 + ObjectId.LENGTH)).isEqualTo(raw);
        assertThat(id.hashCode()).isEqualTo(
            (raw[0] & 0xff) << 24 | (raw[1] & 0xff) << 16 | (raw[2] & 0xff) << 8 | (raw[3] & 0xff));
        long prefix = 0;
        for (int k = 0; k < 8; k++) {
          prefix = prefix << 8 | (raw[k] & 0xff);
        }
        assertThat(id.longPrefix()).isEqualTo(prefix);
        byte[] other = raws.get((i + 1) % raws.size());
        ObjectId otherId = ObjectId.fromRaw(other);
        assertThat(Integer.signum(id.compareTo(otherId))).isEqualTo(Integer.signum(Arrays.compareUnsigned(raw, other)));
        assertThat(id.equals(otherId)).isEqualTo(Arrays.equals(raw, other));
        assertThat(Integer.signum(id.compareTo(otherId))).isEqualTo(Integer.signum(id.name().compareTo(otherId.name())));
      }
    });
  }

  @Test
  void everyViewOfASha256AgreesWithItsBytes() throws Exception {
    Seeded.run((rnd, gen) -> {
      byte[] previous = new byte[Sha256.LENGTH];
      for (int i = 0; i < 2_000; i++) {
        byte[] raw = new byte[Sha256.LENGTH];
        rnd.nextBytes(raw);
        if (i % 3 == 1) {
          raw = previous.clone();
          raw[rnd.nextInt(Sha256.LENGTH)] ^= (byte) (rnd.nextBoolean() ? 0x80 : 1);
        }
        Sha256 s = Sha256.fromRaw(raw);
        assertThat(s.toRaw()).isEqualTo(raw);
        assertThat(s.name()).isEqualTo(HexFormat.of().formatHex(raw));
        assertThat(Sha256.fromString(s.name())).isEqualTo(s).hasSameHashCodeAs(s);
        byte[] padded = new byte[Sha256.LENGTH + 9];
        System.arraycopy(raw, 0, padded, 9, Sha256.LENGTH);
        assertThat(Sha256.fromRaw(padded, 9)).isEqualTo(s);
        byte[] copy = new byte[Sha256.LENGTH + 1];
        s.copyTo(copy, 1);
        assertThat(Arrays.copyOfRange(copy, 1, 1 + Sha256.LENGTH)).isEqualTo(raw);
        assertThat(s.equals(Sha256.fromRaw(previous))).isEqualTo(Arrays.equals(raw, previous));
        assertThat(Sha256.of(raw, 3, 20)).isEqualTo(Sha256.fromRaw(
            java.security.MessageDigest.getInstance("SHA-256").digest(Arrays.copyOfRange(raw, 3, 23))));
        previous = raw;
      }
    });
  }

  @Test
  void malformedInputIsRefused() {
    assertThatThrownBy(() -> ObjectId.fromRaw(new byte[19])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ObjectId.fromRaw(new byte[20], 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ObjectId.fromString("AB".repeat(20))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ObjectId.fromRaw(new byte[20]).copyTo(new byte[20], 1))
        .isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> Sha256.fromRaw(new byte[31])).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Sha256.fromString("0".repeat(63))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Sha256.fromRaw(new byte[32]).copyTo(new byte[40], 9))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }
}
