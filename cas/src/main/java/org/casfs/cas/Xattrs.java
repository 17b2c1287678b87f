package org.casfs.cas;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Extended attributes of one file: names (any namespace the kernel lets us read, stored as their
 * exact bytes) to values. Immutable; iteration is in name-byte order, the encoding's order.
 *
 * <p>Names are held as ISO-8859-1 strings, which map bytes to chars one to one, so any byte
 * sequence round-trips exactly.
 */
public final class Xattrs {
  public static final int MAX_COUNT = 1024;
  public static final int MAX_NAME = 255;
  public static final int MAX_VALUE = 64 * 1024;
  public static final Xattrs EMPTY = new Xattrs(new TreeMap<>());

  private final TreeMap<String, byte[]> map;

  private Xattrs(TreeMap<String, byte[]> map) {
    this.map = map;
  }

  /** Copies the map; names are taken as ISO-8859-1 byte strings. */
  public static Xattrs of(Map<String, byte[]> attrs) {
    if (attrs.isEmpty()) {
      return EMPTY;
    }
    if (attrs.size() > MAX_COUNT) {
      throw new IllegalArgumentException("more than " + MAX_COUNT + " extended attributes");
    }
    TreeMap<String, byte[]> copy = new TreeMap<>();
    for (Map.Entry<String, byte[]> e : attrs.entrySet()) {
      String name = e.getKey();
      byte[] raw = name.getBytes(StandardCharsets.ISO_8859_1);
      if (raw.length == 0 || raw.length > MAX_NAME || name.indexOf('\0') >= 0
          || !new String(raw, StandardCharsets.ISO_8859_1).equals(name)) {
        throw new IllegalArgumentException("bad extended attribute name: " + Name.printable(raw));
      }
      if (e.getValue().length > MAX_VALUE) {
        throw new IllegalArgumentException("extended attribute value over 64 KiB: " + name);
      }
      copy.put(name, e.getValue().clone());
    }
    return new Xattrs(copy);
  }

  public boolean isEmpty() {
    return map.isEmpty();
  }

  public int size() {
    return map.size();
  }

  /** The value, copied, or null when absent. */
  public byte[] getOrNull(String name) {
    byte[] v = map.get(name);
    return v == null ? null : v.clone();
  }

  /** Names in encoding order (ISO-8859-1 strings; String order equals unsigned byte order here). */
  public Iterable<String> names() {
    return Collections.unmodifiableSet(map.keySet());
  }

  /** A copy as a sorted map. */
  public TreeMap<String, byte[]> toMap() {
    TreeMap<String, byte[]> copy = new TreeMap<>();
    map.forEach((k, v) -> copy.put(k, v.clone()));
    return copy;
  }

  public Xattrs with(String name, byte[] value) {
    TreeMap<String, byte[]> copy = toMap();
    copy.put(name, value);
    return of(copy);
  }

  public Xattrs without(String name) {
    TreeMap<String, byte[]> copy = toMap();
    copy.remove(name);
    return of(copy);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Xattrs other) || other.map.size() != map.size()) {
      return false;
    }
    for (Map.Entry<String, byte[]> e : map.entrySet()) {
      if (!Arrays.equals(e.getValue(), other.map.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = 0;
    for (Map.Entry<String, byte[]> e : map.entrySet()) {
      h += e.getKey().hashCode() ^ Arrays.hashCode(e.getValue());
    }
    return h;
  }

  @Override
  public String toString() {
    return map.keySet().toString();
  }
}
