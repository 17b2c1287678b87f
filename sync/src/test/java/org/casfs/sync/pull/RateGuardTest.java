package org.casfs.sync.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@link RateGuard} judges the source, all its transfers together: two parallel transfers sharing
 * a slow link, each under the floor (700 bytes a second against 1,000) but together over it, go on; one transfer alone under it is
 * given up on. A clock moved by hand, one second per read.
 */
class RateGuardTest {
  private static final long SECOND = 1_000_000_000L;
  private final AtomicLong clock = new AtomicLong();
  private final AtomicLong sourceBytes = new AtomicLong();

  private RateGuard guard() {
    return new RateGuard(new ByteArrayInputStream(new byte[1 << 20]), "http://neighbour", 1000, 2 * SECOND,
        clock::get, sourceBytes);
  }

  @Test
  void twoTransfersEachUnderTheFloorButTogetherOverItGoOn() throws IOException {
    RateGuard a = guard();
    RateGuard b = guard();
    byte[] buf = new byte[700];
    for (int second = 0; second < 10; second++) {
      clock.addAndGet(SECOND);
      assertThat(a.read(buf)).isEqualTo(700);
      assertThat(b.read(buf)).isEqualTo(700);
    }
    assertThat(sourceBytes.get()).isEqualTo(14_000);
  }

  @Test
  void oneTransferAloneUnderTheFloorIsGivenUpOn() throws IOException {
    RateGuard a = guard();
    byte[] buf = new byte[600];
    clock.addAndGet(SECOND);
    a.read(buf);
    clock.addAndGet(SECOND);
    assertThatThrownBy(() -> a.read(buf)).isInstanceOf(SlowSourceException.class)
        .hasMessageContaining("http://neighbour sent only 1200 bytes in 2.0 s (the minimum is 1000 bytes/s)");
  }
}
