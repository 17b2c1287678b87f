package org.casfs.tools;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.DiskObjectStore;
import org.casfs.cas.store.InsertLog;

/**
 * The objects a store adds from now on, so that a command that fails half way (an import meeting
 * an unreadable file) can remove exactly what it added and leave the repository as it found it.
 * Sound only while the caller holds the repository lock (no other writer). Costs nothing per
 * object already stored: the store logs the ones it adds ({@link InsertLog}); an earlier version
 * read the whole object index before every import. Close it when the command is done.
 */
public final class AddedObjects implements AutoCloseable {
  private final DiskObjectStore store;
  private final InsertLog log;
  private final Path objectsDir;
  private final Set<Path> dirsBefore = new HashSet<>();

  private AddedObjects(DiskObjectStore store, Path objectsDir) {
    this.store = store;
    this.objectsDir = objectsDir;
    this.log = store.logInserts();
  }

  /**
   * Starts logging what {@code store} adds, and records which fan-out directories
   * {@code objectsDir} has (the store makes {@code objects/ab/} on demand; new empty ones are
   * removed again too).
   */
  public static AddedObjects start(DiskObjectStore store, Path objectsDir) throws IOException {
    AddedObjects a = new AddedObjects(store, objectsDir);
    try {
      a.dirsBefore.addAll(fanOutDirs(objectsDir));
    } catch (IOException | RuntimeException e) {
      a.close();
      throw e;
    }
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

  /** Removes every object added since the start, durably; returns how many. */
  public int removeAdded() throws IOException {
    log.close();
    int n = 0;
    for (ObjectId id : log.added()) {
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

  @Override
  public void close() {
    log.close();
  }
}
