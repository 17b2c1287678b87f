package org.casfs.cas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The number a writable mount computes name by name ({@code childState} down from the root) is
 * the one a read-only mount computes from the whole path; {@code next} gives another number, the
 * same each time.
 */
class InodeNumbersTest {
  @Test
  void numberingNameByNameEqualsNumberingTheWholePath() throws Exception {
    Seeded.run((r, gen) -> numberPaths(r));
  }

  private static void numberPaths(Random r) {
    for (int run = 0; run < 2000; run++) {
      ByteArrayOutputStream path = new ByteArrayOutputStream();
      long state = InodeNumbers.ROOT_STATE;
      int depth = 1 + r.nextInt(8);
      for (int level = 0; level < depth; level++) {
        byte[] name = new byte[1 + r.nextInt(20)];
        for (int i = 0; i < name.length; i++) {
          name[i] = (byte) (1 + r.nextInt(255));
          if (name[i] == '/') {
            name[i] = 'x';
          }
        }
        if (name[0] == '.') {
          name[0] = 'y'; // never "." or "..", which are no names
        }
        state = InodeNumbers.childState(state, level == 0, Name.of(name));
        path.write('/');
        path.writeBytes(name);
      }
      long whole = InodeNumbers.ofPath(path.toByteArray());
      assertThat(InodeNumbers.ofState(state)).as("run %d", run).isEqualTo(whole);
      assertThat(InodeNumbers.next(whole)).isEqualTo(InodeNumbers.next(whole))
          .isNotEqualTo(whole).isGreaterThan(InodeNumbers.ROOT);
    }
  }
}
