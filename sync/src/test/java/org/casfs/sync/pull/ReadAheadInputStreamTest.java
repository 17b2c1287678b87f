package org.casfs.sync.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ReadAheadInputStreamTest {
  @Test
  void passesEveryByteInOrderThenEndAndClosesTheSource() throws Exception {
    byte[] data = new byte[1_000_003];
    new Random(7).nextBytes(data);
    AtomicBoolean closed = new AtomicBoolean();
    InputStream src = new ByteArrayInputStream(data) {
      @Override
      public void close() {
        closed.set(true);
      }
    };
    try (ReadAheadInputStream in = new ReadAheadInputStream(src, () -> {}, 4096, 3, "test")) {
      assertThat(in.read()).isEqualTo(data[0] & 0xff);
      assertThat(in.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(data, 1, data.length));
      assertThat(in.read()).isEqualTo(-1);
    }
    assertThat(closed).isTrue();
  }

  @Test
  void theSourcesExceptionComesAfterTheBytesBeforeIt() throws Exception {
    SlowSourceException slow = new SlowSourceException("too slow");
    InputStream failing = new InputStream() {
      @Override
      public int read() throws IOException {
        throw slow;
      }
    };
    InputStream src = new SequenceInputStream(new ByteArrayInputStream(new byte[] {1, 2, 3}), failing);
    try (ReadAheadInputStream in = new ReadAheadInputStream(src, () -> {}, 16, 2, "test")) {
      assertThat(in.readNBytes(3)).containsExactly(1, 2, 3);
      assertThatThrownBy(in::read).isSameAs(slow);
      assertThatThrownBy(in::read).isSameAs(slow);
    }
  }

  /**
   * An Error on the read-ahead thread (an OutOfMemoryError allocating a chunk, a StackOverflowError
   * in a decompressor) killed it without queuing an end, and the puller waited in take() forever.
   */
  @Test
  void anErrorOnTheReadingThreadEndsTheStreamForTheReaderInsteadOfHangingIt() throws Exception {
    OutOfMemoryError oom = new OutOfMemoryError("Java heap space (test)");
    InputStream failing = new InputStream() {
      @Override
      public int read() {
        throw oom;
      }
    };
    InputStream src = new SequenceInputStream(new ByteArrayInputStream(new byte[] {1, 2, 3}), failing);
    org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(20), () -> {
      try (ReadAheadInputStream in = new ReadAheadInputStream(src, () -> {}, 16, 2, "test")) {
        assertThat(in.readNBytes(3)).containsExactly(1, 2, 3);
        assertThatThrownBy(in::read).isSameAs(oom);
        assertThatThrownBy(in::read).as("and again: the stream stays ended").isSameAs(oom);
      }
    });
  }

  @Test
  void closeBeforeTheEndAbortsABlockedSource() throws Exception {
    CountDownLatch aborted = new CountDownLatch(1);
    InputStream silent = new InputStream() {
      @Override
      public int read() throws IOException {
        try {
          aborted.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        throw new IOException("connection dropped");
      }
    };
    ReadAheadInputStream in = new ReadAheadInputStream(silent, aborted::countDown, 16, 2, "test");
    in.close();
    assertThat(aborted.await(5, TimeUnit.SECONDS)).isTrue();
  }
}
