package org.casfs.sync.delta;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.MemoryObjectStore;
import org.casfs.cas.store.ObjectDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * apply(delta(a, b), a) == b on real binaries: the files that differ between the Debian images
 * v1 and v2 (a security update), checked against the bytes of v2 on disk.
 */
class RealPairsDeltaTest {
  private static final long SEED = Long.getLong("casfs.seed", System.nanoTime());
  private static Path corpus;
  private static ObjectDatabase db;
  private static ChangedFiles.Result changed;

  @BeforeAll
  static void importImages() throws Exception {
    corpus = TestVersions.corpus();
    db = new ObjectDatabase(new MemoryObjectStore(), 16 << 20);
    ObjectId v1 = TestVersions.importVersion(db, corpus.resolve("v1"), 1);
    ObjectId v2 = TestVersions.importVersion(db, corpus.resolve("v2"), 2);
    changed = new ChangedFiles(db).between(v1, v2);
  }

  @Test
  void theSecurityUpdateChangesHundredsOfFilesAtTheirPaths() {
    assertThat(changed.pairs()).hasSizeGreaterThan(500);
    assertThat(changed.pairs()).anySatisfy(p -> assertThat(p.newPath()).endsWith("libapt-pkg.so.6.0.0"));
  }

  @Test
  void everyEngineRoundTripsOnSampledRealPairs() throws Exception {
    List<FilePair> sample = new ArrayList<>(changed.pairs());
    Collections.shuffle(sample, new Random(SEED));
    sample = sample.subList(0, 25);
    sample.add(changed.pairs().stream().filter(p -> p.newPath().endsWith("libapt-pkg.so.6.0.0")).findFirst().orElseThrow());
    DeltaPlanner planner = new DeltaPlanner(db.store(), DeltaBudget.defaults().withBsdiffLimit(4 << 20));
    long wire = 0;
    long whole = 0;
    for (FilePair p : sample) {
      String what = "seed " + SEED + " " + p.newPath();
      byte[] oldBytes = db.store().read(p.oldBlob().id());
      byte[] expected = Files.readAllBytes(corpus.resolve("v2" + p.newPath()));
      FileDelta fd = planner.compute(p);
      assertThat(fd.abandoned().contains(DeltaEngine.ZSTD) || fd.sizes().containsKey(DeltaEngine.ZSTD))
          .as(what + ": zstd ran (its delta kept, or abandoned when it grew past what could be kept)").isTrue();
      Integer zstd = fd.sizes().get(DeltaEngine.ZSTD);
      if (p.newSize() <= 4 << 20 && zstd != null && zstd < 0.95 * fd.wholeCompressed()) {
        assertThat(fd.sizes().containsKey(DeltaEngine.BSDIFF) || fd.abandoned().contains(DeltaEngine.BSDIFF))
            .as(what + ": bsdiff runs where zstd found shared bytes").isTrue();
      }
      for (DeltaEngine e : fd.sizes().keySet()) {
        byte[] d = Deltas.create(planner.encodersFor(p.oldSize(), p.newSize()).stream()
            .filter(x -> x.engine() == e).findFirst().orElse(Deltas.encoder(e)), p.oldBlob().id(),
            BlobSource.of(oldBytes), p.newBlob(), BlobSource.of(expected));
        assertThat(Deltas.apply(d, p.oldBlob().id(), p.newBlob(), oldBytes)).as(what + " " + e).isEqualTo(expected);
      }
      if (fd.chosenOrNull() != null) {
        assertThat(Deltas.apply(fd.chosenOrNull(), p.oldBlob().id(), p.newBlob(), oldBytes)).as(what).isEqualTo(expected);
        assertThat((double) fd.chosenOrNull().length).as(what).isLessThanOrEqualTo(0.9 * fd.wholeCompressed());
      }
      wire += fd.wireBytes();
      whole += fd.wholeCompressed();
    }
    // A security update changes little: deltas cost a fraction of the compressed files.
    assertThat(wire).as("seed " + SEED).isLessThan(whole / 3);
  }
}
