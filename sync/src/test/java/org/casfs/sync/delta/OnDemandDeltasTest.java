package org.casfs.sync.delta;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.casfs.cas.ObjectType;
import org.casfs.cas.store.MemoryObjectStore;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.cas.store.ObjectInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer computing a large file's delta on demand while its neighbour's stream waits: the
 * neighbour, its patience spent, asks again while the delta is still being computed. With the
 * one slot busy with that very delta, the second request got no delta (the whole blob:
 * gigabytes, for a few changed bytes); now it waits for the computation under way.
 */
class OnDemandDeltasTest {
  @TempDir Path tmp;

  @Test
  void aSecondRequestForADeltaBeingComputedWaitsForIt() throws Exception {
    MemoryObjectStore store = new MemoryObjectStore();
    Random r = new Random(12);
    byte[] old = new byte[48 << 20];
    r.nextBytes(old);
    byte[] now = old.clone();
    now[30 << 20] ^= 1;
    ObjectInfo a = store.insert(ObjectType.BLOB, old);
    ObjectInfo b = store.insert(ObjectType.BLOB, now);
    DeltaService service = new DeltaService(new ObjectDatabase(store, 1 << 20),
        DeltaStore.open(tmp.resolve("deltas"), 1L << 30), DeltaBudget.onDemand(), 1, 0);

    CompletableFuture<byte[]> first = CompletableFuture.supplyAsync(() -> {
      try {
        return service.deltaOrNull(a.id(), b.id());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    while (service.inFlight() == 0 && !first.isDone()) {
      Thread.sleep(1);
    }
    byte[] second = service.deltaOrNull(a.id(), b.id());
    assertThat(first.get()).as("the first request's delta").isNotNull();
    assertThat(second).as("the second request waited for the same delta").isEqualTo(first.get());
    assertThat(second.length).isLessThan(1 << 10);
  }
}
