package org.casfs.sync.peer;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Back-off for neighbours that let us down (a head that fails verification, bad bytes, no
 * answer): after each failure a neighbour is left alone twice as long as before, from
 * {@code first} up to {@code max}; a success clears it. Bounded: the oldest records go first
 * beyond {@code capacity}. Thread-safe.
 */
final class Penalties {
  private final Duration first;
  private final Duration max;
  private final int capacity;
  private final Map<String, Entry> entries;

  private record Entry(Instant until, Duration last, String reason) {}

  Penalties(Duration first, Duration max, int capacity) {
    this.first = first;
    this.max = max;
    this.capacity = capacity;
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
        return size() > Penalties.this.capacity;
      }
    };
  }

  synchronized boolean allowed(String key, Instant now) {
    Entry e = entries.get(key);
    return e == null || !now.isBefore(e.until);
  }

  /** Records a failure; returns true if this is a new reason (worth one log line). */
  synchronized boolean fail(String key, String reason, Instant now) {
    Entry e = entries.get(key);
    Duration next = e == null ? first : e.last.multipliedBy(2);
    if (next.compareTo(max) > 0) {
      next = max;
    }
    entries.put(key, new Entry(now.plus(next), next, reason));
    return e == null || !e.reason.equals(reason);
  }

  synchronized void succeed(String key) {
    entries.remove(key);
  }

  synchronized String reasonOrNull(String key) {
    Entry e = entries.get(key);
    return e == null ? null : e.reason;
  }
}
