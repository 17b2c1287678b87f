package org.casfs.sync.delta;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The block engine on the files it is for: large ones changed in a few places. A 3 GiB blob (made
 * up as it is read, so neither memory nor disk holds it) changed in 4 KiB past the 2 GiB mark
 * and grown by 1 MiB gets a delta of about 1 MiB, which rebuilds it byte for byte: offsets past
 * what an int holds are where such code breaks.
 */
class BlockDeltaTest {
  private static final long SIZE = 3L << 30;
  private static final long EDIT_AT = (2L << 30) + 100;
  private static final int EDIT = 4096;
  private static final int APPENDED = 1 << 20;

  @Test
  void aMultiGigabyteBlobChangedInPlaceAndGrownGetsADeltaOfTheChangesSize() throws Exception {
    BlobSource old = new MadeUp(SIZE, -1, 0);
    BlobSource now = new MadeUp(SIZE + APPENDED, EDIT_AT, EDIT);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    BlockDelta engine = new BlockDelta(3);
    engine.encode(old, now, body);
    assertThat(body.size()).as("the delta: 4 KiB changed, 1 MiB appended (random bytes, incompressible)")
        .isBetween(EDIT + APPENDED, EDIT + APPENDED + (64 << 10));

    SameAs check = new SameAs(now);
    engine.apply(old, new ByteArrayInputStream(body.toByteArray()), now.size(), check);
    assertThat(check.position).isEqualTo(now.size());
  }

  @Test
  void bytesMovedByAnInsertionAreStillFound() throws Exception {
    Random r = new Random(3);
    byte[] old = new byte[24 << 20];
    r.nextBytes(old);
    byte[] inserted = new byte[777];
    r.nextBytes(inserted);
    // 777 bytes inserted at 5 MiB + 3, 1000 removed at 17 MiB: everything after each moves.
    ByteArrayOutputStream now = new ByteArrayOutputStream();
    now.write(old, 0, (5 << 20) + 3);
    now.write(inserted);
    now.write(old, (5 << 20) + 3, (12 << 20) - 3);
    now.write(old, (17 << 20) + 1000, old.length - (17 << 20) - 1000);
    byte[] b = now.toByteArray();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    new BlockDelta(3).encode(BlobSource.of(old), BlobSource.of(b), body);
    assertThat(body.size()).as("the 777 inserted bytes and a few operations").isLessThan(777 + 200);
    DeltaRoundTripTest.assertRoundTrip(new BlockDelta(3), old, b, "insertion and removal");
  }

  /**
   * A run of zeros in the new blob where the old one has a single zero block: every block of the
   * run matches that one and no further. Each match once read a whole megabyte of the old blob
   * ahead; the old blob is now read a few times over at most, not 256 times.
   */
  @Test
  void aLongRunMatchingOneShortOldRunDoesNotReadTheOldBlobOverAndOver() throws Exception {
    Random r = new Random(4);
    byte[] old = new byte[8 << 20];
    r.nextBytes(old);
    java.util.Arrays.fill(old, 1 << 20, (1 << 20) + BlockIndex.MIN_BLOCK, (byte) 0);
    byte[] now = new byte[32 << 20];
    long[] oldRead = {0};
    BlobSource counted = new BlobSource() {
      @Override
      public long size() {
        return old.length;
      }

      @Override
      public void readFully(long pos, byte[] dst, int off, int len) throws IOException {
        oldRead[0] += len;
        BlobSource.of(old).readFully(pos, dst, off, len);
      }
    };
    new BlockDelta(3).encode(counted, BlobSource.of(now), OutputStream.nullOutputStream());
    assertThat(oldRead[0]).as("bytes of the old blob read").isLessThan(4L * now.length + 2L * old.length);
    DeltaRoundTripTest.assertRoundTrip(new BlockDelta(3), old, now, "zeros matching one zero block");
  }

  /**
   * Bytes that are a function of their offset: a random pattern of 1 MiB + 13, varied per period,
   * with {@code editLength} other bytes at {@code editAt}; from {@link #SIZE} on (what a new blob
   * appends), random bytes of their own.
   */
  private static final class MadeUp implements BlobSource {
    private static final int PERIOD = (1 << 20) + 13;
    private static final byte[] PATTERN = new byte[PERIOD];
    private static final byte[] APPENDIX = new byte[APPENDED];

    static {
      Random r = new Random(11);
      r.nextBytes(PATTERN);
      r.nextBytes(APPENDIX);
    }

    private final long size;
    private final long editAt;
    private final int editLength;

    MadeUp(long size, long editAt, int editLength) {
      this.size = size;
      this.editAt = editAt;
      this.editLength = editLength;
    }

    @Override
    public long size() {
      return size;
    }

    @Override
    public void readFully(long pos, byte[] dst, int off, int len) throws IOException {
      if (pos < 0 || pos + len > size) {
        throw new IOException("read of " + len + " at " + pos + " past " + size);
      }
      for (int done = 0; done < len; ) {
        long p = pos + done;
        if (p >= SIZE) {
          System.arraycopy(APPENDIX, (int) (p - SIZE), dst, off + done, len - done);
          break;
        }
        int inPeriod = (int) (p % PERIOD);
        int n = (int) Math.min(Math.min(len - done, PERIOD - inPeriod), SIZE - p);
        byte salt = (byte) (p / PERIOD);
        for (int i = 0; i < n; i++) {
          dst[off + done + i] = (byte) (PATTERN[inPeriod + i] ^ salt);
        }
        done += n;
      }
      for (long e = Math.max(pos, editAt); e < Math.min(pos + len, editAt + editLength); e++) {
        dst[off + (int) (e - pos)] = (byte) ~dst[off + (int) (e - pos)];
      }
    }
  }

  /** Checks what is written against a blob, byte for byte, as it streams. */
  private static final class SameAs extends OutputStream {
    private final BlobSource expected;
    private long position;
    private byte[] buf = new byte[0];

    SameAs(BlobSource expected) {
      this.expected = expected;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (buf.length < len) {
        buf = new byte[len];
      }
      expected.readFully(position, buf, 0, len);
      assertThat(java.util.Arrays.mismatch(b, off, off + len, buf, 0, len)).as("at %d", position).isEqualTo(-1);
      position += len;
    }
  }
}
