package org.casfs.sync.delta;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.util.Random;
import org.casfs.cas.Hashes;
import org.casfs.cas.ObjectId;
import org.junit.jupiter.api.Test;

/**
 * A delta of about a hundred bytes declared a bsdiff control stream of 30 x (16 MiB + 1) bytes,
 * followed by a one-byte frame: the applier allocated the declared 503 MB before it read the
 * frame, and a {@code casfs peer} (160 MiB of heap) ended in OutOfMemoryError instead of fetching
 * the blob whole. Now what a frame may take is what it actually yields, and the lengths an engine
 * declares never size a buffer by themselves: each hostile delta below is a
 * {@link CorruptDeltaException} (the puller's cue to fetch the blob whole) after allocating a few
 * MiB at most, measured on this thread.
 */
class DeclaredLengthTest {
  private static final int NEW_SIZE = 16 << 20;
  /** Far under the declared lengths (503 MB, 32 MiB, 4 MiB), above the engines' fixed buffers. */
  private static final long MAX_ALLOCATED = 3 << 20;

  @Test
  void aBsdiffControlStreamDeclaredHugeOverAOneByteFrameIsRefusedWithoutAllocatingIt() throws Exception {
    byte[] old = "an old blob".getBytes();
    Hashes oldBlob = Hashes.of(old);
    Hashes newBlob = Hashes.of(new byte[NEW_SIZE]);
    ByteArrayOutputStream d = new ByteArrayOutputStream();
    d.write(new DeltaHeader(DeltaEngine.BSDIFF, oldBlob.id(), newBlob, NEW_SIZE).encode());
    Varint.write(d, 30L * (NEW_SIZE + 1)); // control length: the largest the decoder takes
    Varint.write(d, NEW_SIZE); // diff
    Varint.write(d, 0); // extra
    Varint.write(d, 1); // a one-byte control frame
    d.write(0);
    assertRefusedCheaply(d.toByteArray(), oldBlob.id(), newBlob, old);
  }

  @Test
  void aBsdiffDiffStreamDeclaredAsTheWholeBlobOverTinyFramesIsRefusedWithoutAllocatingIt() throws Exception {
    byte[] old = "an old blob".getBytes();
    Hashes oldBlob = Hashes.of(old);
    Hashes newBlob = Hashes.of(new byte[NEW_SIZE]);
    ByteArrayOutputStream d = new ByteArrayOutputStream();
    d.write(new DeltaHeader(DeltaEngine.BSDIFF, oldBlob.id(), newBlob, NEW_SIZE).encode());
    byte[] control = frame(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08, 0, 0}); // one run: all diff
    Varint.write(d, 6);
    Varint.write(d, NEW_SIZE);
    Varint.write(d, 0);
    Varint.write(d, control.length);
    d.write(control);
    for (int i = 0; i < 2; i++) {
      Varint.write(d, 1);
      d.write(0);
    }
    assertRefusedCheaply(d.toByteArray(), oldBlob.id(), newBlob, old);
  }

  @Test
  void zstdSegmentsAndBlockLiteralsDeclaredLargeOverOneByteFramesAreRefusedWithoutAllocatingThem() throws Exception {
    byte[] old = new byte[1 << 20];
    new Random(5).nextBytes(old);
    Hashes oldBlob = Hashes.of(old);
    Hashes newBlob = Hashes.of(new byte[64 << 20]);

    ByteArrayOutputStream zstd = new ByteArrayOutputStream();
    zstd.write(new DeltaHeader(DeltaEngine.ZSTD, oldBlob.id(), newBlob, 64 << 20).encode());
    Varint.write(zstd, 0); // old offset
    Varint.write(zstd, 0); // no window: only the output would be allocated
    Varint.write(zstd, 32 << 20); // new length: the largest segment
    Varint.write(zstd, 1);
    zstd.write(0);
    assertRefusedCheaply(zstd.toByteArray(), oldBlob.id(), newBlob, old);

    ByteArrayOutputStream blocks = new ByteArrayOutputStream();
    blocks.write(new DeltaHeader(DeltaEngine.BLOCKS, oldBlob.id(), newBlob, 64 << 20).encode());
    for (int op = 0; op < 8; op++) {
      Varint.write(blocks, BlockDelta.MAX_LITERAL);
      Varint.write(blocks, 1);
      blocks.write(0);
      Varint.write(blocks, 0);
    }
    assertRefusedCheaply(blocks.toByteArray(), oldBlob.id(), newBlob, old);
  }

  @Test
  void aTreeDeltaDeclaringTheLargestTreeOverAOneByteFrameIsRefusedWithoutAllocatingIt() throws Exception {
    // The tree engine's own size field: a ByteArrayOutputStream was made that large first.
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    Varint.write(body, 0);
    Varint.write(body, 0);
    Varint.write(body, TreeDeltas.MAX_TREE_BYTES);
    Varint.write(body, 1);
    body.write(0);
    Throwable thrown = null;
    long before = allocated();
    try {
      new ZstdDelta(19).apply(BlobSource.of(new byte[0]), new ByteArrayInputStream(body.toByteArray()),
          TreeDeltas.MAX_TREE_BYTES, OutputStream.nullOutputStream());
    } catch (DeltaFormatException e) {
      thrown = e;
    }
    long used = allocated() - before;
    assertThat(thrown).isInstanceOf(DeltaFormatException.class).hasMessageContaining("yield");
    assertThat(used).isLessThan(MAX_ALLOCATED);
  }

  @Test
  void aBlockClaimingMoreThanZstdAllowsCountsForOneBlock() {
    int size = (1 << 21) - 1; // an RLE block of 2 MiB: four bytes, not valid zstd
    int header = size << 3 | 1 << 1 | 1; // last, RLE
    byte[] frame = {0, 0, (byte) header, (byte) (header >>> 8), (byte) (header >>> 16), 0};
    assertThat(MagiclessFrames.yieldBound(frame)).isEqualTo(128 << 10);
  }

  private static void assertRefusedCheaply(byte[] delta, ObjectId oldId, Hashes newBlob, byte[] old) throws Exception {
    assertThat(delta.length).isLessThan(200);
    Throwable thrown = null;
    long before = allocated();
    try {
      Deltas.apply(new ByteArrayInputStream(delta), oldId, newBlob, BlobSource.of(old), OutputStream.nullOutputStream());
    } catch (CorruptDeltaException e) {
      thrown = e;
    }
    long used = allocated() - before;
    assertThat(thrown).isInstanceOf(CorruptDeltaException.class).hasMessageContaining("fetch the whole blob");
    assertThat(used).as("bytes allocated applying a %d-byte delta", delta.length).isLessThan(MAX_ALLOCATED);
  }

  private static byte[] frame(byte[] raw) {
    try (var ctx = MagiclessFrames.encoder(3)) {
      return ctx.compress(raw);
    }
  }

  private static long allocated() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
  }
}
