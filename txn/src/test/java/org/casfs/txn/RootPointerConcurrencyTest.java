package org.casfs.txn;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.Repository;
import org.casfs.cas.store.Snapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootPointerConcurrencyTest {
  @TempDir Path tmp;

  @Test
  void readersOfASnapshotSeeItUnchangedWhileCurrentFlipsAThousandTimes() throws Exception {
    try (Repository repo = TestRepos.init(tmp)) {
      Versions v = Versions.of(repo);
      ObjectId a = TestRepos.commit(v, null, "a", "/etc/version", "A", "/usr/lib/x", "lib-a");
      ObjectId b = TestRepos.commit(v, a, "b", "/etc/version", "B", "/usr/lib/x", "lib-b", "/new", "n");
      AtomicInteger heard = new AtomicInteger();
      v.rootPointer().addListener(id -> heard.incrementAndGet());
      Snapshot held = Snapshot.open(repo.objectDatabase(), a);
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong reads = new AtomicLong();
      ExecutorService readers = Executors.newFixedThreadPool(3);
      List<Future<?>> running = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        running.add(readers.submit(() -> {
          while (!stop.get()) {
            String version = new String(repo.objects().read(held.lookup("/etc/version").childId()), StandardCharsets.UTF_8);
            String lib = new String(repo.objects().read(held.lookup("/usr/lib/x").childId()), StandardCharsets.UTF_8);
            assertThat(version).isEqualTo("A");
            assertThat(lib).isEqualTo("lib-a");
            assertThat(held.lookupOrNull("/new")).isNull();
            reads.incrementAndGet();
          }
          return null;
        }));
      }
      ObjectId cur = null;
      for (int i = 0; i < 1000; i++) {
        ObjectId next = i % 2 == 0 ? b : a;
        assertThat(v.rootPointer().flip(cur, next, "flip " + i, Actor.COMMAND)).isEqualTo(RefUpdate.OK);
        cur = next;
      }
      stop.set(true);
      for (Future<?> f : running) {
        f.get(30, TimeUnit.SECONDS);
      }
      readers.shutdown();
      assertThat(reads.get()).isPositive();
      assertThat(heard.get()).isEqualTo(1000);
      assertThat(v.refs().currentOrNull()).isEqualTo(a);
      assertThat(v.refs().previousOrNull()).isEqualTo(b);
      assertThat(v.refs().history()).hasSize(1000);
    }
  }

  @Test
  void twoFlipsWithTheSameExpectedValueExactlyOneWins() throws Exception {
    try (Repository repo = TestRepos.init(tmp)) {
      Versions v = Versions.of(repo);
      ObjectId base = TestRepos.commit(v, null, "base", "/f", "0");
      ObjectId x = TestRepos.commit(v, base, "x", "/f", "x");
      ObjectId y = TestRepos.commit(v, base, "y", "/f", "y");
      v.rootPointer().flip(null, base, "start", Actor.COMMAND);
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        for (int round = 0; round < 200; round++) {
          ObjectId expected = v.refs().currentOrNull();
          ObjectId t1 = expected.equals(x) ? y : x;
          ObjectId t2 = expected.equals(base) ? y : base;
          if (t2.equals(t1)) {
            t2 = expected.equals(x) ? base : expected.equals(y) ? x : y;
          }
          CyclicBarrier start = new CyclicBarrier(2);
          ObjectId[] targets = {t1, t2};
          List<Future<RefUpdate>> results = new ArrayList<>();
          for (ObjectId target : targets) {
            results.add(pool.submit(() -> {
              start.await();
              return v.rootPointer().flip(expected, target, "race", Actor.COMMAND);
            }));
          }
          RefUpdate r1 = results.get(0).get();
          RefUpdate r2 = results.get(1).get();
          assertThat(List.of(r1, r2)).as("round %d", round).containsExactlyInAnyOrder(RefUpdate.OK, RefUpdate.LOCK_FAILURE);
          ObjectId winner = r1 == RefUpdate.OK ? t1 : t2;
          assertThat(v.refs().currentOrNull()).isEqualTo(winner);
          assertThat(v.refs().previousOrNull()).isEqualTo(expected);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(v.refs().history()).hasSize(201);
    }
  }
}
