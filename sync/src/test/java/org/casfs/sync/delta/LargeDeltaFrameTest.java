package org.casfs.sync.delta;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.casfs.cas.Hashes;
import org.casfs.cas.ObjectType;
import org.casfs.cas.store.MemoryObjectStore;
import org.casfs.cas.store.ObjectInfo;
import org.casfs.sync.wire.FrameHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A delta frame over {@link DeltaFrameDecoder#IN_MEMORY} goes through files (a laptop's daemon has
 * 160 MiB of heap): spooled, applied from the file, the new blob rebuilt in a temporary file, the
 * delta moved into the store to serve the neighbours, and nothing left behind.
 */
class LargeDeltaFrameTest {
  @TempDir Path tmp;

  @Test
  void aDeltaLargerThanMemoryTakesIsAppliedAndKeptThroughFiles() throws Exception {
    Random r = new Random(14);
    byte[] old = new byte[24 << 20];
    r.nextBytes(old);
    byte[] now = old.clone();
    byte[] changed = new byte[10 << 20];
    r.nextBytes(changed);
    System.arraycopy(changed, 0, now, 4 << 20, changed.length);
    MemoryObjectStore local = new MemoryObjectStore();
    ObjectInfo oldInfo = local.insert(ObjectType.BLOB, old);
    Hashes newHashes = Hashes.of(now);
    byte[] delta = Deltas.create(Deltas.encoder(DeltaEngine.BLOCKS), oldInfo.id(), BlobSource.of(old), newHashes,
        BlobSource.of(now));
    assertThat(delta.length).isGreaterThan(DeltaFrameDecoder.IN_MEMORY);

    DeltaStore keep = DeltaStore.open(tmp.resolve("deltas"), 1L << 30);
    DeltaFrameDecoder decoder = new DeltaFrameDecoder(tmp.resolve("tmp-deltas"), keep);
    try (InputStream rebuilt = decoder.decode(new FrameHeader(DeltaFetchHook.FRAME_TYPE, newHashes, delta.length),
        now.length, new ByteArrayInputStream(delta), local)) {
      assertThat(rebuilt.readAllBytes()).isEqualTo(now);
    }
    assertThat(keep.getOrNull(oldInfo.id(), newHashes.id())).as("kept to serve the neighbours").isEqualTo(delta);
    try (var left = Files.list(tmp.resolve("tmp-deltas"))) {
      assertThat(left).as("the spooled delta and the rebuilt blob are gone").isEmpty();
    }
  }
}
