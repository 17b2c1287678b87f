package org.casfs.sync.pull;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.casfs.cas.ObjectId;
import org.casfs.cas.io.ImportOptions;
import org.casfs.cas.store.RepoConfig;
import org.casfs.sync.Client;
import org.casfs.sync.Origin;
import org.casfs.sync.TestImages;
import org.casfs.txn.Imports;
import org.casfs.txn.Versions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 50 clients pull from one server at once (16 handler threads, at most 8 fetch streams; the
 * others are told to retry): all finish with verified copies, and the live heap (measured after
 * each collection) stays bounded meanwhile. CI pulls a generated 20 MB image; with
 * {@code -Dcasfs.sync.heavy=true} the clients pull the real Debian v1 (about 12 minutes on 2 busy
 * cores).
 */
class ConcurrentClientsTest {
  static final Path CORPUS = Path.of(System.getProperty("casfs.corpus", "/var/cache/casfs-corpus"));
  static final int CLIENTS = Integer.getInteger("casfs.sync.clients", 50);
  static final boolean HEAVY = Boolean.getBoolean("casfs.sync.heavy");
  static final long LIVE_HEAP_BOUND = 768L << 20;
  @TempDir Path tmp;

  @Test
  void fiftyClientsPullV1AtOnce() throws Exception {
    assumeTrue(!HEAVY || Files.isDirectory(CORPUS.resolve("v1")), "the Debian corpus is not built at " + CORPUS);
    try (Origin origin = new Origin(tmp.resolve("origin")).serve()) {
      ObjectId v1 = HEAVY
          ? new Imports(Versions.of(origin.repo)).run(CORPUS.resolve("v1"), "v1", ImportOptions.defaults(), null).manifest()
          : TestImages.version(origin.repo.objectDatabase(), "stable", 1, 50, 10, 30, 0, null);
      origin.publish(v1);
      AtomicLong peakHeap = new AtomicLong();
      AtomicBoolean done = new AtomicBoolean();
      Thread sampler = new Thread(() -> {
        while (!done.get()) {
          long live = 0;
          for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null) {
              live += pool.getCollectionUsage().getUsed();
            }
          }
          peakHeap.accumulateAndGet(live, Math::max);
          try {
            Thread.sleep(50);
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      sampler.start();
      ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
      List<Future<ObjectId>> results = new ArrayList<>();
      try {
        for (int i = 0; i < CLIENTS; i++) {
          Path dir = tmp.resolve("client-" + i);
          results.add(pool.submit(() -> {
            // Small caches per client: 50 repositories share this JVM with the server.
            RepoConfig small = new RepoConfig("stable", 3, 16 * 1024, 2L << 20, 1L << 20, 4L << 20);
            try (Client c = new Client(dir, origin.key.publicKey(), small)) {
              Puller.Result r = c.pull(origin.url(), true);
              TestImages.verifyAll(c.repo.objectDatabase(), r.manifest());
              // Keep the disk bounded: the copy is verified, drop it.
              return r.manifest();
            } finally {
              deleteTree(dir);
            }
          }));
        }
        for (Future<ObjectId> f : results) {
          assertThat(f.get(20, TimeUnit.MINUTES)).isEqualTo(v1);
        }
      } finally {
        done.set(true);
        sampler.join();
        pool.shutdownNow();
      }
      System.out.printf("%d clients, peak live heap after GC %d MiB, server sent %d MiB in %d requests%n", CLIENTS,
          peakHeap.get() >> 20, origin.server.bytesSent() >> 20, origin.server.requestCount());
      assertThat(peakHeap.get()).isLessThan(LIVE_HEAP_BOUND);
    }
  }

  static void deleteTree(Path dir) throws java.io.IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
