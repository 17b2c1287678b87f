package org.casfs.sync.pull;

import java.io.IOException;
import java.util.List;
import org.casfs.cas.ObjectId;

/**
 * The refs a pull reads and moves, kept behind this small interface so that sync depends on the
 * transaction layer's {@code Refs}/{@code RootPointer} through one adapter.
 */
public interface VersionRefs {
  /** The version that runs, or null. */
  ObjectId currentOrNull() throws IOException;

  /** The version staged (pulled and verified, maybe not switched to), or null. */
  ObjectId stagedOrNull() throws IOException;

  /** Versions held completely here (current, previous, staged, pins): nothing reachable from them is fetched. */
  List<ObjectId> completeVersions() throws IOException;

  /** Points {@code staged} at a complete, verified version; false if refused. */
  boolean stage(ObjectId manifest) throws IOException;

  /** Flips {@code current} to the staged version; false if refused. */
  boolean switchTo(ObjectId manifest, String reason) throws IOException;
}
