package org.casfs.sync.peer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.casfs.cas.ObjectException;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.ObjectReader;
import org.casfs.cas.store.ReadFailures;
import org.casfs.sync.pull.Puller;
import org.casfs.sync.pull.Source;

/**
 * A laptop heals itself from its neighbours. An object this machine finds damaged when it reads
 * it (a neighbour asked for it and its bytes no longer match its name: bit rot on a cheap flash
 * disk, a file an accident overwrote) is fetched again from the neighbours, verified exactly as in
 * a pull, in place of the damaged copy: {@code casfs fsck --repair} without anyone there to type
 * it. An object is dropped only once read again and found damaged still, so a report never costs
 * a good copy (a damaged one is worth nothing: every read of it fails). Tried at once, then every
 * {@link #RETRY} while no neighbour has it; each outcome logged once. {@link #noticed} is
 * thread-safe; {@link #runIfDue} runs on the peer's update thread.
 */
final class SelfRepair {
  static final Duration RETRY = Duration.ofMinutes(10);
  /** A read the disk failed is tried again this much later before the copy counts as damaged. */
  private static final long READ_AGAIN_AFTER_MS = 200;
  /** Damaged objects remembered at most: a disk that fails everywhere is fsck's to report. */
  static final int MAX_PENDING = 10_000;

  /** Fetches what the versions reach and the store lacks, after dropping the damaged objects. */
  @FunctionalInterface
  interface Repairer {
    Puller.RepairResult repair(List<Source> sources, List<ObjectId> damaged, Set<ObjectId> versions)
        throws IOException;
  }

  private final ObjectReader store;
  private final Consumer<String> log;
  private final Set<ObjectId> pending = ConcurrentHashMap.newKeySet();
  /** Damaged objects a repair dropped without finding a good copy: missing now, still to fetch. */
  private final Set<ObjectId> dropped = new java.util.HashSet<>();
  private volatile boolean newReport;
  private Instant nextTry = Instant.EPOCH;
  private String lastFailure;

  SelfRepair(ObjectReader store, Consumer<String> log) {
    this.store = store;
    this.log = log;
  }

  /** An object read from this machine's store did not match its name (or its bytes were gone). */
  void noticed(ObjectId id) {
    if (pending.size() < MAX_PENDING && pending.add(id)) {
      newReport = true;
    }
  }

  /**
   * A version this machine keeps lacks {@code missing} (and maybe more): its database was salvaged,
   * or a file was lost. The next try fetches what the versions lack, as for a damaged object
   * already dropped.
   */
  void lacking(ObjectId missing) {
    dropped.add(missing);
    noticed(missing);
  }

  /** Damaged objects noticed and not yet repaired. */
  int pending() {
    return pending.size();
  }

  /** Whether {@link #runIfDue} would try now: something was noticed, and newly or {@link #RETRY} ago. */
  boolean isDue(Instant now) {
    return !pending.isEmpty() && (newReport || !now.isBefore(nextTry));
  }

  /**
   * Repairs what was noticed from {@code neighbours} (sources that serve objects by id), if a try
   * is due: at once after a new report, else every {@link #RETRY}.
   *
   * @param versions the versions whose objects must be whole (current, previous, staged, pins)
   */
  void runIfDue(List<Source> neighbours, Set<ObjectId> versions, Repairer repairer, Instant now) {
    if (!isDue(now)) {
      return;
    }
    if (neighbours.isEmpty()) {
      // Tried again as soon as a neighbour is known (at boot, mDNS takes a few seconds), not RETRY
      // later; nothing is read meanwhile (a damaged blob may be gigabytes).
      failed(new ArrayList<>(pending), "no neighbour to fetch them from");
      return;
    }
    newReport = false;
    nextTry = now.plus(RETRY);
    List<ObjectId> attempt = new ArrayList<>();
    List<ObjectId> damaged = new ArrayList<>();
    for (ObjectId id : new LinkedHashSet<>(pending)) {
      switch (check(id)) {
        case GOOD -> pending.remove(id); // a read that failed once and not again: the copy is good
        case DAMAGED -> {
          damaged.add(id);
          attempt.add(id);
        }
        case ABSENT -> {
          if (dropped.contains(id)) {
            attempt.add(id); // dropped by an earlier try that found no good copy
          } else {
            pending.remove(id); // removed by gc since it was noticed: nothing to repair
          }
        }
      }
    }
    if (attempt.isEmpty()) {
      return;
    }
    try {
      Puller.RepairResult r;
      try {
        r = repairer.repair(neighbours, damaged, versions);
      } finally {
        dropped.addAll(damaged); // the repair drops them first, found or not
      }
      attempt.forEach(pending::remove);
      attempt.forEach(dropped::remove);
      lastFailure = null;
      log.accept("repaired " + describe(attempt) + " from neighbours: fetched " + r.objectsFetched() + " objects ("
          + r.bytesFetched() + " bytes), each verified");
    } catch (IOException | RuntimeException e) {
      failed(attempt, e.getMessage());
    }
  }

  private void failed(List<ObjectId> damaged, String why) {
    String line = "could not repair " + describe(damaged) + ": " + why + "; trying again every "
        + RETRY.toMinutes() + " minutes (or run 'casfs fsck --repair URL')";
    if (!line.equals(lastFailure)) {
      log.accept(line);
    }
    lastFailure = line;
  }

  private enum State { GOOD, DAMAGED, ABSENT }

  /**
   * Reads {@code id} whole through the verifying read. A read the disk fails is tried once more:
   * failing twice (a bad sector: EIO), the copy is as good as gone, and a repair writes a good one
   * to new blocks; a failure that passes is no proof of damage, and the copy is kept.
   */
  private State check(ObjectId id) {
    for (int attempt = 1; ; attempt++) {
      try {
        if (store.statOrNull(id) == null) {
          return State.ABSENT;
        }
        try (InputStream in = store.open(id)) {
          in.transferTo(OutputStream.nullOutputStream());
        }
        return State.GOOD;
      } catch (ObjectException e) {
        return State.DAMAGED;
      } catch (IOException e) {
        if (!ReadFailures.blameTheObject(e)) {
          return State.GOOD; // the database itself, or stopping: no neighbour's copy mends it
        }
        if (attempt == 2) {
          return State.DAMAGED;
        }
        try {
          Thread.sleep(READ_AGAIN_AFTER_MS);
        } catch (InterruptedException stop) {
          Thread.currentThread().interrupt();
          return State.GOOD;
        }
      }
    }
  }

  private static String describe(List<ObjectId> damaged) {
    return damaged.size() == 1 ? "damaged object " + damaged.get(0)
        : damaged.size() + " damaged objects (" + damaged.get(0) + ", ...)";
  }
}
