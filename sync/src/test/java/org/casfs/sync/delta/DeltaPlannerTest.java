package org.casfs.sync.delta;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.casfs.cas.Hashes;
import org.casfs.cas.ObjectType;
import org.casfs.cas.store.MemoryObjectStore;
import org.casfs.cas.store.ObjectInfo;
import org.junit.jupiter.api.Test;

/**
 * The planner's choice of engines: bsdiff, the slowest, runs on a pair only where zstd found the
 * old blob shares something with the new one; a blob made anew in every byte (recompressed,
 * regenerated) costs one zstd pass, not bsdiff's search too.
 */
class DeltaPlannerTest {
  private final MemoryObjectStore store = new MemoryObjectStore();
  private final DeltaPlanner planner = new DeltaPlanner(store, DeltaBudget.defaults());

  @Test
  void bsdiffRunsWhereTheBlobsShareBytes() throws Exception {
    Random r = new Random(5);
    byte[] old = RandomEdits.content(r, 1 << 20);
    FileDelta fd = planner.compute(pair(old, RandomEdits.edit(r, old, 20)));
    assertThat(fd.sizes()).containsKeys(DeltaEngine.ZSTD, DeltaEngine.BSDIFF);
    assertThat(fd.chosenOrNull()).isNotNull();
  }

  @Test
  void bsdiffIsNotRunWhereTheNewBlobSharesNothingWithTheOld() throws Exception {
    Random r = new Random(6);
    byte[] old = random(r, (int) DeltaPlanner.PROBE_FROM - 1); // below the cheap look's size
    byte[] now = random(r, old.length); // as a compressed file regenerated whole looks
    FileDelta fd = planner.compute(pair(old, now));
    assertThat(fd.abandoned()).as("zstd's delta, abandoned when it grew past the compressed blob")
        .containsOnly(DeltaEngine.ZSTD);
    assertThat(fd.sizes()).isEmpty();
    assertThat(fd.chosenOrNull()).as("no delta is worth keeping").isNull();
  }

  @Test
  void noEngineRunsOnALargeBlobThatSharesNothingWithTheOld() throws Exception {
    Random r = new Random(7);
    byte[] old = random(r, 6 << 20);
    byte[] now = random(r, 6 << 20);
    FileDelta fd = planner.compute(pair(old, now));
    assertThat(fd.sizes()).as("the cheap look found nothing shared").isEmpty();
    assertThat(fd.chosenOrNull()).isNull();
    assertThat(fd.wholeCompressed()).isGreaterThan(now.length);

    byte[] edited = RandomEdits.edit(r, old, 20); // a large blob that does share: the engines run
    assertThat(planner.compute(pair(old, edited)).chosenOrNull()).isNotNull();
  }

  /**
   * Over 32 MiB, where zstd sees a pair only through windows, a new blob in which the block engine
   * finds nothing of the old one costs that engine's pass alone: zstd's look cost 25 s a GiB
   * more to keep no delta.
   */
  @Test
  void zstdDoesNotLookAtAWindowedPairInWhichTheBlockEngineFoundNothing() throws Exception {
    Random r = new Random(8);
    byte[] old = random(r, 40 << 20);
    byte[] now = random(r, 40 << 20);
    FileDelta fd = planner.compute(pair(old, now));
    assertThat(fd.abandoned()).as("the block engine ran and gave up; zstd neither ran nor looked")
        .containsOnly(DeltaEngine.BLOCKS);
    assertThat(fd.chosenOrNull()).isNull();
  }

  private static byte[] random(Random r, int size) {
    byte[] b = new byte[size];
    r.nextBytes(b);
    return b;
  }

  private FilePair pair(byte[] old, byte[] now) {
    ObjectInfo a = store.insert(ObjectType.BLOB, old);
    ObjectInfo b = store.insert(ObjectType.BLOB, now);
    return new FilePair("/f", "/f", new Hashes(a.id(), a.sha256()), old.length, new Hashes(b.id(), b.sha256()),
        now.length);
  }
}
