package org.casfs.cas;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One directory: entries sorted by name bytes, no duplicates. Immutable; lookups are binary
 * searches. Thread-safe.
 */
public final class Tree {
  public static final int MAX_ENTRIES = 1 << 21;
  /**
   * The most bytes a tree's encoding may take, about 180,000 entries (the largest directory of a
   * Debian root is ~10,000 entries, 1 MB): a machine holds a tree whole while it hashes it and
   * then decoded, a laptop's daemon has 160 MiB of heap, and a pull takes no tree larger (a source
   * declaring 200 MiB of tree once ran one out of memory). Import refuses a directory whose tree
   * would be larger, so that no version is made that machines cannot pull.
   */
  public static final int MAX_ENCODED_BYTES = 16 << 20;
  public static final Tree EMPTY = new Tree(List.of());

  private final List<Entry> entries;

  private Tree(List<Entry> sortedUnique) {
    this.entries = sortedUnique;
  }

  /** Sorts the entries; duplicate names are an {@link IllegalArgumentException}. */
  public static Tree of(List<Entry> entries) {
    List<Entry> sorted = new ArrayList<>(entries);
    Collections.sort(sorted);
    return ofSorted(sorted);
  }

  /** Entries already in order; unsorted or duplicate names are an {@link IllegalArgumentException}. */
  public static Tree ofSorted(List<Entry> sorted) {
    if (sorted.size() > MAX_ENTRIES) {
      throw new IllegalArgumentException("more than " + MAX_ENTRIES + " entries in one directory");
    }
    for (int i = 1; i < sorted.size(); i++) {
      int c = sorted.get(i - 1).name().compareTo(sorted.get(i).name());
      if (c == 0) {
        throw new IllegalArgumentException("duplicate name " + sorted.get(i).name().printable());
      }
      if (c > 0) {
        throw new IllegalArgumentException("names not sorted at " + sorted.get(i).name().printable());
      }
    }
    return new Tree(List.copyOf(sorted));
  }

  public List<Entry> entries() {
    return entries;
  }

  public int size() {
    return entries.size();
  }

  /** How many entries are directories: a directory's link count is 2 and this. */
  public int subdirectories() {
    int n = 0;
    for (Entry e : entries) {
      if (e.isDirectory()) {
        n++;
      }
    }
    return n;
  }

  /** The entry with this name, or null. */
  public Entry getOrNull(Name name) {
    int i = indexOf(name);
    return i >= 0 ? entries.get(i) : null;
  }

  /** Binary search: the index, or {@code -(insertion point) - 1}. */
  public int indexOf(Name name) {
    int lo = 0;
    int hi = entries.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      int c = entries.get(mid).name().compareTo(name);
      if (c < 0) {
        lo = mid + 1;
      } else if (c > 0) {
        hi = mid - 1;
      } else {
        return mid;
      }
    }
    return -(lo + 1);
  }

  /** A tree with this entry added or replacing the one of the same name. */
  public Tree with(Entry entry) {
    List<Entry> copy = new ArrayList<>(entries);
    int i = indexOf(entry.name());
    if (i >= 0) {
      copy.set(i, entry);
    } else {
      if (entries.size() >= MAX_ENTRIES) {
        throw new IllegalArgumentException("more than " + MAX_ENTRIES + " entries in one directory");
      }
      copy.add(-i - 1, entry);
    }
    return new Tree(Collections.unmodifiableList(copy));
  }

  /** A tree without the named entry (the same tree if absent). */
  public Tree without(Name name) {
    int i = indexOf(name);
    if (i < 0) {
      return this;
    }
    List<Entry> copy = new ArrayList<>(entries);
    copy.remove(i);
    return new Tree(Collections.unmodifiableList(copy));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Tree t && entries.equals(t.entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }
}
