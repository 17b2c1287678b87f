package org.casfs.tools;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.ObjectStore;

/**
 * Remembers which objects a store held before a command started, so that a command that fails
 * half way (an import meeting an unreadable file) can remove exactly what it added and leave the
 * repository as it found it. Sound only while the caller holds the repository lock (no other
 * writer). Costs one pass over the object index and a set of ids (about 60 bytes per object).
 * Not thread-safe.
 */
public final class AddedObjects {
  private final ObjectStore store;
  private final Path objectsDir;
  private final Set<ObjectId> before = new HashSet<>();
  private final Set<Path> dirsBefore = new HashSet<>();

  private AddedObjects(ObjectStore store, Path objectsDir) {
    this.store = store;
    this.objectsDir = objectsDir;
  }

  /**
   * Records what the store holds now, and which fan-out directories {@code objectsDir} has (the
   * store makes {@code objects/ab/} on demand; new empty ones are removed again too).
   */
  public static AddedObjects snapshot(ObjectStore store, Path objectsDir) throws IOException {
    AddedObjects a = new AddedObjects(store, objectsDir);
    store.forEach(info -> {
      a.before.add(info.id());
      return true;
    });
    a.dirsBefore.addAll(fanOutDirs(objectsDir));
    return a;
  }

  private static List<Path> fanOutDirs(Path objectsDir) throws IOException {
    if (!Files.isDirectory(objectsDir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(objectsDir)) {
      return s.filter(Files::isDirectory).toList();
    }
  }

  /** Removes every object that was not there at the snapshot, durably; returns how many. */
  public int removeAdded() throws IOException {
    List<ObjectId> added = new ArrayList<>();
    store.forEach(info -> {
      if (!before.contains(info.id())) {
        added.add(info.id());
      }
      return true;
    });
    int n = 0;
    for (ObjectId id : added) {
      if (store.remove(id)) {
        n++;
      }
    }
    store.flush();
    for (Path dir : fanOutDirs(objectsDir)) {
      if (!dirsBefore.contains(dir)) {
        try {
          Files.deleteIfExists(dir);
        } catch (DirectoryNotEmptyException e) {
          // holds objects after all: keep it
        }
      }
    }
    return n;
  }
}
