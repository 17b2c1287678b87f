package org.casfs.sync;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.casfs.cas.ObjectId;
import org.casfs.sync.pull.VersionRefs;

/** Refs in memory, for tests until the txn adapter is used; records every change. */
public final class MemoryVersionRefs implements VersionRefs {
  public ObjectId current;
  public ObjectId previous;
  public ObjectId staged;
  public final List<String> changes = new ArrayList<>();
  /** Thrown by the next {@link #switchTo} (then cleared), as a power cut at that moment would stop it. */
  public IOException failNextSwitch;

  @Override
  public synchronized ObjectId currentOrNull() {
    return current;
  }

  @Override
  public synchronized ObjectId stagedOrNull() {
    return staged;
  }

  @Override
  public synchronized List<ObjectId> completeVersions() {
    List<ObjectId> out = new ArrayList<>();
    for (ObjectId id : new ObjectId[] {current, previous, staged}) {
      if (id != null && !out.contains(id)) {
        out.add(id);
      }
    }
    return out;
  }

  @Override
  public synchronized boolean stage(ObjectId manifest) {
    staged = manifest;
    changes.add("staged " + manifest);
    return true;
  }

  @Override
  public synchronized boolean switchTo(ObjectId manifest, String reason) throws IOException {
    if (failNextSwitch != null) {
      IOException e = failNextSwitch;
      failNextSwitch = null;
      throw e;
    }
    previous = current;
    current = manifest;
    changes.add("current " + manifest);
    return true;
  }
}
