package org.casfs.sync.delta;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.casfs.cas.Hashes;
import org.casfs.cas.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeltaStoreTest {
  @TempDir Path dir;

  private static byte[] delta(Random r, int size) throws Exception {
    byte[] a = RandomEdits.content(r, size);
    byte[] b = RandomEdits.content(r, size);
    return Deltas.create(Deltas.encoder(DeltaEngine.ZSTD), Hashes.of(a).id(), BlobSource.of(a), Hashes.of(b),
        BlobSource.of(b));
  }

  @Test
  void leastRecentlyUsedDeltasAreEvictedToStayInBudgetAcrossReopen() throws Exception {
    Random r = new Random(7);
    byte[] d1 = delta(r, 3000);
    byte[] d2 = delta(r, 3000);
    byte[] d3 = delta(r, 3000);
    long budget = d1.length + d2.length + d3.length / 2;
    DeltaStore s = DeltaStore.open(dir, budget);
    DeltaHeader h1 = DeltaHeader.decode(d1);
    DeltaHeader h2 = DeltaHeader.decode(d2);
    DeltaHeader h3 = DeltaHeader.decode(d3);
    s.put(d1);
    Thread.sleep(20);
    s.put(d2);
    Thread.sleep(20);
    assertThat(s.getOrNull(h1.oldId(), h1.newId())).isEqualTo(d1); // d1 now most recent
    Thread.sleep(20);
    s.put(d3); // over budget: d2 goes
    assertThat(s.getOrNull(h2.oldId(), h2.newId())).isNull();
    assertThat(s.getOrNull(h1.oldId(), h1.newId())).isEqualTo(d1);
    assertThat(s.getOrNull(h3.oldId(), h3.newId())).isEqualTo(d3);
    assertThat(s.totalBytes()).isLessThanOrEqualTo(budget);

    DeltaStore again = DeltaStore.open(dir, budget);
    assertThat(again.getOrNull(h3.oldId(), h3.newId())).isEqualTo(d3);
    assertThat(again.totalBytes()).isEqualTo(s.totalBytes());
  }

  @Test
  void oneProcessSharesOneStorePerDirectoryAndADirectoryMadeAnewStartsEmpty() throws Exception {
    Random r = new Random(9);
    Path deltas = dir.resolve("repo/staging/deltas");
    DeltaStore server = DeltaStore.openShared(deltas, 1 << 20);
    DeltaStore command = DeltaStore.openShared(dir.resolve("repo/staging/../staging/deltas"), 4 << 20);
    assertThat(command).isSameAs(server);
    byte[] d = delta(r, 2000);
    command.put(d);
    DeltaHeader h = DeltaHeader.decode(d);
    assertThat(server.getOrNull(h.oldId(), h.newId())).as("what a forwarded command stored, the server serves")
        .isEqualTo(d);

    try (var paths = Files.walk(dir.resolve("repo"))) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
    DeltaStore fresh = DeltaStore.openShared(deltas, 1 << 20);
    assertThat(fresh.getOrNull(h.oldId(), h.newId())).as("the file went with the directory").isNull();
    fresh.put(d);
    assertThat(fresh.getOrNull(h.oldId(), h.newId())).isEqualTo(d);
    assertThat(fresh.totalBytes()).isEqualTo(d.length);
  }

  @Test
  void damagedFilesAreDroppedAndNoneMarkersRemembered() throws Exception {
    Random r = new Random(8);
    byte[] d = delta(r, 2000);
    DeltaHeader h = DeltaHeader.decode(d);
    DeltaStore s = DeltaStore.open(dir, 1 << 20);
    s.put(d);
    Files.write(dir.resolve(h.name()), new byte[] {1, 2, 3});
    assertThat(s.getOrNull(h.oldId(), h.newId())).isNull();
    assertThat(Files.exists(dir.resolve(h.name()))).isFalse();

    ObjectId a = Hashes.of(new byte[] {1}).id();
    ObjectId b = Hashes.of(new byte[] {2}).id();
    assertThat(s.isMarkedNone(a, b)).isFalse();
    s.markNone(a, b);
    assertThat(DeltaStore.open(dir, 1 << 20).isMarkedNone(a, b)).isTrue();
    Files.write(dir.resolve(".tmp-123"), new byte[10]);
    DeltaStore.open(dir, 1 << 20);
    assertThat(Files.exists(dir.resolve(".tmp-123"))).as("crash leftovers are removed").isFalse();
  }

  /** A pair once found not worth a delta (a budget that was smaller then) gets one later: no stale marker. */
  @Test
  void aDeltaStoredAfterANoneMarkerReplacesIt() throws Exception {
    byte[] d = delta(new Random(11), 2000);
    DeltaHeader h = DeltaHeader.decode(d);
    DeltaStore s = DeltaStore.open(dir, 1 << 20);
    s.markNone(h.oldId(), h.newId());
    s.put(d);
    assertThat(s.isMarkedNone(h.oldId(), h.newId())).isFalse();
    assertThat(Files.exists(dir.resolve(h.name() + ".none"))).isFalse();
    assertThat(DeltaStore.open(dir, 1 << 20).getOrNull(h.oldId(), h.newId())).isEqualTo(d);
  }

  @Test
  void keptDeltasAreServedAtOnceAndReachTheDiskOnlyWhenWritten() throws Exception {
    Random r = new Random(10);
    byte[] d1 = delta(r, 2500);
    byte[] d2 = delta(r, 2500);
    DeltaHeader h1 = DeltaHeader.decode(d1);
    DeltaHeader h2 = DeltaHeader.decode(d2);
    DeltaStore s = DeltaStore.open(dir, 1 << 20);
    s.keep(d1);
    s.keep(d2);
    assertThat(s.getOrNull(h1.oldId(), h1.newId())).as("served from memory while the pull runs").isEqualTo(d1);
    assertThat(s.getOrNull(h2.oldId(), h2.newId())).as("served from memory too").isEqualTo(d2);
    assertThat(Files.exists(dir.resolve(h1.name()))).as("no file created during the pull").isFalse();
    assertThat(DeltaStore.open(dir, 1 << 20).getOrNull(h1.oldId(), h1.newId())).isNull();

    s.writeKeptLater();
    DeltaStore.awaitBackgroundWrites();
    assertThat(Files.readAllBytes(dir.resolve(h1.name()))).isEqualTo(d1);
    assertThat(Files.readAllBytes(dir.resolve(h2.name()))).isEqualTo(d2);
    assertThat(s.totalBytes()).isEqualTo(d1.length + d2.length);
    assertThat(s.deltaNames()).containsExactlyInAnyOrder(h1.name(), h2.name());
    assertThat(DeltaStore.open(dir, 1 << 20).getOrNull(h2.oldId(), h2.newId())).as("after a restart").isEqualTo(d2);
  }

  @Test
  void keepingMoreThanTheMemoryBoundWritesAtOnce() throws Exception {
    Random r = new Random(11);
    byte[][] deltas = {delta(r, 3000), delta(r, 3000), delta(r, 3000), delta(r, 3000)};
    DeltaStore s = DeltaStore.open(dir, 1 << 20);
    s.boundKeptBytes(deltas[0].length + deltas[1].length + 10);
    s.keep(deltas[0]);
    s.keep(deltas[1]);
    assertThat(s.deltaNames()).as("within the bound: held in memory").isEmpty();
    s.keep(deltas[2]);
    assertThat(s.deltaNames()).as("past the bound: all three written without waiting for the pull's end")
        .hasSize(3);
    s.keep(deltas[3]);
    assertThat(s.deltaNames()).hasSize(3);
    DeltaHeader h = DeltaHeader.decode(deltas[3]);
    assertThat(s.getOrNull(h.oldId(), h.newId())).isEqualTo(deltas[3]);
  }

  @Test
  void aKeptDeltaThatCannotBeWrittenIsDroppedAndNeverFailsThePull() throws Exception {
    Random r = new Random(12);
    byte[] d1 = delta(r, 2000);
    byte[] d2 = delta(r, 2000);
    Path gone = dir.resolve("deltas");
    DeltaStore s = DeltaStore.open(gone, 1 << 20);
    s.keep(d1);
    Files.delete(gone); // as if the disk refused every file
    org.assertj.core.api.Assertions.assertThatThrownBy(s::writeKept).isInstanceOf(java.io.IOException.class);
    DeltaHeader h1 = DeltaHeader.decode(d1);
    assertThat(s.getOrNull(h1.oldId(), h1.newId())).as("dropped: memory stays bounded").isNull();

    s.boundKeptBytes(1);
    s.keep(d2); // past the bound: written at once, fails, and the pull goes on
    DeltaHeader h2 = DeltaHeader.decode(d2);
    assertThat(s.getOrNull(h2.oldId(), h2.newId())).isNull();
  }
}
