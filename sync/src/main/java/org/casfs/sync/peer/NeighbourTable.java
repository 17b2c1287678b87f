package org.casfs.sync.peer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The neighbours a peer currently knows, bounded in size whatever arrives on the link.
 *
 * <p>Anyone can announce thousands of names, so the table holds at most {@code capacity}
 * multicast-discovered entries. When it is full, a newcomer takes the place of the
 * least-recently-seen <em>unverified</em> entry (one that never served a valid head); verified
 * neighbours are never pushed out by newcomers, so a flood of fake names cannot displace the
 * peers that actually work. Static neighbours (from {@code --peers}) do not count against the
 * capacity and never expire. Thread-safe: every method is synchronized and cheap (O(capacity)
 * at worst, on eviction).
 */
public final class NeighbourTable {
  /** What {@link #offer} did with a report. */
  public enum Outcome { ADDED, CHANGED, REFRESHED, REJECTED_FULL }

  private final int capacity;
  private final Duration ttl;
  private final Map<String, Neighbour> entries = new HashMap<>();
  private long evictions;
  private long rejections;

  public NeighbourTable(int capacity, Duration ttl) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
    }
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl must be positive: " + ttl);
    }
    this.capacity = capacity;
    this.ttl = ttl;
  }

  /**
   * Records a report about a neighbour. A known key is refreshed (and its announcement replaced
   * when it changed; it stays verified unless its address changed); an unknown
   * key is added if there is room or an unverified entry to evict.
   */
  public synchronized Outcome offer(Neighbour report) {
    Neighbour old = entries.get(report.key());
    if (old != null) {
      boolean changed = report.announcement() != null
          && !report.announcement().equals(old.announcement());
      Neighbour updated = old.seenAgain(report.announcement(), report.lastSeen());
      if (!old.address().equals(report.address())) {
        updated = new Neighbour(old.key(), report.address(), updated.announcement(),
            updated.lastSeen(), old.source(), false);
        changed = true;
      }
      // "Verified" marks a neighbour that has been honest (served a valid head); a new version
      // announced by it does not undo that, only a failure (markVerified false) or a move does.
      entries.put(report.key(), updated);
      return changed ? Outcome.CHANGED : Outcome.REFRESHED;
    }
    if (report.source() == Neighbour.Source.MDNS && multicastCount() >= capacity
        && !evictOneUnverified()) {
      rejections++;
      return Outcome.REJECTED_FULL;
    }
    entries.put(report.key(), report);
    return Outcome.ADDED;
  }

  /** Marks a neighbour as having served a verified head (or as having failed to). */
  public synchronized void markVerified(String key, boolean verified) {
    entries.computeIfPresent(key, (k, n) -> n.withVerified(verified));
  }

  public synchronized void remove(String key) {
    entries.remove(key);
  }

  /** Drops multicast neighbours not heard from within the ttl; returns how many went. */
  public synchronized int expire(Instant now) {
    Instant cutoff = now.minus(ttl);
    List<String> gone = new ArrayList<>();
    for (Neighbour n : entries.values()) {
      if (n.source() == Neighbour.Source.MDNS && n.lastSeen().isBefore(cutoff)) {
        gone.add(n.key());
      }
    }
    gone.forEach(entries::remove);
    return gone.size();
  }

  public synchronized Neighbour get(String key) {
    return entries.get(key);
  }

  /** A snapshot, most recently seen first. */
  public synchronized List<Neighbour> snapshot() {
    List<Neighbour> all = new ArrayList<>(entries.values());
    all.sort(Comparator.comparing(Neighbour::lastSeen).reversed().thenComparing(Neighbour::key));
    return all;
  }

  public synchronized int size() {
    return entries.size();
  }

  public int capacity() {
    return capacity;
  }

  /** How many unverified entries were pushed out to make room. */
  public synchronized long evictions() {
    return evictions;
  }

  /** How many reports were turned away because the table was full of verified neighbours. */
  public synchronized long rejections() {
    return rejections;
  }

  private int multicastCount() {
    int n = 0;
    for (Neighbour e : entries.values()) {
      if (e.source() == Neighbour.Source.MDNS) {
        n++;
      }
    }
    return n;
  }

  private boolean evictOneUnverified() {
    Neighbour victim = null;
    for (Neighbour e : entries.values()) {
      if (e.source() == Neighbour.Source.MDNS && !e.verified()
          && (victim == null || e.lastSeen().isBefore(victim.lastSeen()))) {
        victim = e;
      }
    }
    if (victim == null) {
      return false;
    }
    entries.remove(victim.key());
    evictions++;
    return true;
  }
}
