package org.casfs.sync.pull;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.casfs.cas.ObjectId;
import org.casfs.txn.Actor;
import org.casfs.txn.RefUpdate;
import org.casfs.txn.Versions;

/**
 * {@link VersionRefs} over the transaction layer: {@code staged} through {@code Refs}, the switch
 * through the {@code RootPointer}'s compare-and-set flip (recorded in history as a pull), and the
 * pulled version registered so it resolves by id prefix and label. Thread-safe (txn is).
 */
public final class TxnVersionRefs implements VersionRefs {
  private final Versions versions;

  public TxnVersionRefs(Versions versions) {
    this.versions = versions;
  }

  @Override
  public ObjectId currentOrNull() throws IOException {
    return versions.refs().currentOrNull();
  }

  @Override
  public ObjectId stagedOrNull() throws IOException {
    return versions.refs().stagedOrNull();
  }

  @Override
  public List<ObjectId> completeVersions() throws IOException {
    List<ObjectId> out = new ArrayList<>();
    for (ObjectId id : new ObjectId[] {versions.refs().currentOrNull(), versions.refs().previousOrNull(),
        versions.refs().stagedOrNull()}) {
      if (id != null && !out.contains(id)) {
        out.add(id);
      }
    }
    for (ObjectId id : versions.refs().pins().values()) {
      if (!out.contains(id)) {
        out.add(id);
      }
    }
    return out;
  }

  @Override
  public boolean stage(ObjectId manifest) throws IOException {
    RefUpdate r = versions.refs().registerVersion(manifest, versions.repository().objectDatabase().readManifest(manifest));
    if (r != RefUpdate.OK && r != RefUpdate.NO_CHANGE) {
      return false;
    }
    RefUpdate s = versions.refs().setStaged(manifest);
    return s == RefUpdate.OK || s == RefUpdate.NO_CHANGE;
  }

  @Override
  public boolean switchTo(ObjectId manifest, String reason) throws IOException {
    RefUpdate r = versions.rootPointer().switchTo(manifest, reason, Actor.PULL);
    return r == RefUpdate.OK || r == RefUpdate.NO_CHANGE;
  }
}
