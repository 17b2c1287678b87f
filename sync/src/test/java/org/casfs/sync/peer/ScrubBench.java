package org.casfs.sync.peer;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.casfs.cas.store.Repository;
import org.casfs.sync.SyncState;

/**
 * One scrub pass over a repository, as a peer daemon runs it, at a given cap: prints the objects
 * and bytes read, the wall time (so the rate reached), and the CPU the whole process spent on
 * it. Run by tools/bench/scrub.sh; not a test.
 *
 * <pre>java -cp ... org.casfs.sync.peer.ScrubBench REPO BYTES_PER_SECOND</pre>
 */
public final class ScrubBench {
  private ScrubBench() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    long rate = Long.parseLong(args[1]);
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    try (Repository repo = Repository.open(dir)) {
      SyncState state = new SyncState(repo.kv());
      state.setLastScrubMillis(0); // due at once
      AtomicInteger damaged = new AtomicInteger();
      long[] objects = new long[2];
      repo.objectDatabase().store().forEach(info -> {
        objects[0]++;
        objects[1] += info.size();
        return true;
      });
      long cpu0 = os.getProcessCpuTime();
      long t0 = System.nanoTime();
      try (Scrub scrub = new Scrub(repo.objectDatabase().store(), state, Duration.ofDays(7), Duration.ZERO, rate,
          id -> damaged.incrementAndGet(), line -> System.out.println("  log: " + line), Clock.systemUTC()).start()) {
        while (scrub.passes() == 0) {
          Thread.sleep(20);
        }
      }
      double wall = (System.nanoTime() - t0) / 1e9;
      double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
      System.out.printf("scrub pass: %d objects (%.1f MB), cap %.1f MB/s: %.2f s wall (%.1f MB/s), %.2f s CPU,"
          + " %d damaged%n", objects[0], objects[1] / 1e6, rate / 1e6, wall, objects[1] / 1e6 / wall, cpu, damaged.get());
    }
  }
}
