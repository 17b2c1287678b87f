package org.casfs.sync.peer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.casfs.cas.ObjectId;
import org.casfs.sync.pull.VersionRefs;
import org.casfs.txn.Actor;
import org.casfs.txn.Refs;
import org.casfs.txn.Versions;

/**
 * The pull's view of a repository's refs, over the transaction layer: staging registers the
 * version (history, label) and points {@code staged} at it; switching is the root pointer flip.
 * Thread-safe as {@link Refs} and the root pointer are.
 */
public final class RepoVersionRefs implements VersionRefs {
  private final Versions versions;

  public RepoVersionRefs(Versions versions) {
    this.versions = versions;
  }

  @Override
  public ObjectId currentOrNull() throws IOException {
    return versions.refs().currentOrNull();
  }

  @Override
  public List<ObjectId> completeVersions() throws IOException {
    Refs refs = versions.refs();
    List<ObjectId> out = new ArrayList<>();
    for (ObjectId id : refs.all().values()) {
      if (!out.contains(id)) {
        out.add(id);
      }
    }
    return out;
  }

  @Override
  public boolean stage(ObjectId manifest) throws IOException {
    Refs refs = versions.refs();
    var registered = refs.registerVersion(manifest,
        versions.repository().objectDatabase().readManifest(manifest));
    if (!registered.changed() && registered != org.casfs.txn.RefUpdate.NO_CHANGE) {
      return false;
    }
    var staged = refs.setStaged(manifest);
    return staged.changed() || staged == org.casfs.txn.RefUpdate.NO_CHANGE;
  }

  @Override
  public boolean switchTo(ObjectId manifest, String reason) throws IOException {
    var result = versions.rootPointer().switchTo(manifest, reason, Actor.PULL);
    return result.changed() || result == org.casfs.txn.RefUpdate.NO_CHANGE;
  }
}
