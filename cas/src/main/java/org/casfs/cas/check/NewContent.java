package org.casfs.cas.check;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.casfs.cas.Entry;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.cas.store.Snapshot;

/**
 * The file contents a version brings that an older one holds nowhere: what a machine running the
 * older one fetches to get the newer, before deltas. A renamed, copied or hard-linked file costs
 * nothing, and two new paths with one content count once; the sizes of added and changed paths
 * alone overstated it. Reads every tree of the older version (until every new content is found
 * in it). Stateless.
 */
public final class NewContent {
  private NewContent() {}

  /** Bytes of the distinct blobs that files added or changed in {@code changes} hold and {@code from} lacks. */
  public static long bytes(ObjectDatabase db, Snapshot from, List<Change> changes) throws IOException {
    Map<ObjectId, Long> missing = new HashMap<>();
    for (Change c : changes) {
      Entry e = c.after();
      if (e != null && e.isRegular()) {
        missing.put(e.childId(), e.size());
      }
    }
    Deque<ObjectId> trees = new ArrayDeque<>();
    Set<ObjectId> seen = new HashSet<>();
    if (from.root().isDirectory()) {
      trees.push(from.root().childId());
    }
    while (!missing.isEmpty() && !trees.isEmpty()) {
      for (Entry e : db.readTree(trees.pop()).entries()) {
        if (e.isRegular()) {
          missing.remove(e.childId());
        } else if (e.isDirectory() && seen.add(e.childId())) {
          trees.push(e.childId());
        }
      }
    }
    long sum = 0;
    for (long size : missing.values()) {
      sum += size;
    }
    return sum;
  }
}
