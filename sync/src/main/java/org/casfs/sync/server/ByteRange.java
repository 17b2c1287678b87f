package org.casfs.sync.server;

/**
 * One byte range of an HTTP {@code Range: bytes=...} header, resolved against an object's length.
 * Only single ranges are supported (what resuming a download needs); multiple ranges are ignored
 * and the whole object is sent, as RFC 9110 allows.
 */
record ByteRange(long start, long endInclusive) {
  long length() {
    return endInclusive - start + 1;
  }

  /** What a Range header asks for. */
  sealed interface Parsed permits Whole, Partial, Unsatisfiable {}

  record Whole() implements Parsed {}

  record Partial(ByteRange range) implements Parsed {}

  record Unsatisfiable() implements Parsed {}

  static Parsed parse(String header, long length) {
    if (header == null || !header.startsWith("bytes=") || header.indexOf(',') >= 0) {
      return new Whole();
    }
    String spec = header.substring(6).strip();
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return new Whole();
    }
    try {
      String a = spec.substring(0, dash).strip();
      String b = spec.substring(dash + 1).strip();
      long start;
      long end;
      if (a.isEmpty()) {
        long suffix = Long.parseLong(b);
        if (suffix <= 0) {
          return new Unsatisfiable();
        }
        start = Math.max(0, length - suffix);
        end = length - 1;
      } else {
        start = Long.parseLong(a);
        end = b.isEmpty() ? length - 1 : Math.min(Long.parseLong(b), length - 1);
      }
      if (start < 0 || start >= length || end < start) {
        return new Unsatisfiable();
      }
      return new Partial(new ByteRange(start, end));
    } catch (NumberFormatException e) {
      return new Whole();
    }
  }
}
