package org.casfs.fs;

import java.util.List;
import org.casfs.cas.Entry;

/**
 * An open directory: the entries of the version it was opened in, so a listing read in several
 * calls (large directories) never mixes versions or skips names after a switch. Offsets: 1 is
 * after {@code .}, 2 after {@code ..}, {@code i + 3} after the i-th entry.
 */
public final class DirListing {
  final byte[] path;
  final Attr self;
  final Attr parent;
  final List<Entry> entries;

  DirListing(byte[] path, Attr self, Attr parent, List<Entry> entries) {
    this.path = path;
    this.self = self;
    this.parent = parent;
    this.entries = entries;
  }

  public int size() {
    return entries.size() + 2;
  }
}
