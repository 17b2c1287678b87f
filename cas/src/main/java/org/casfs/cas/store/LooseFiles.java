package org.casfs.cas.store;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.casfs.cas.ObjectId;
import org.casfs.cas.posix.Posix;

/**
 * The loose blobs of a {@link DiskObjectStore}: read-only files {@code objects/ab/cdef…}, written
 * under a temporary name in the staging directory (same filesystem) and renamed into place, then
 * made durable in batches by {@link #sync}. Says nothing about the index. Thread-safe.
 */
final class LooseFiles {
  /** Above this many files one syncfs of the filesystem is cheaper than an fsync per file. */
  private static final int SYNCFS_ABOVE = 8;

  private final Path objectsDir;
  private final Path tmpDir;
  private final Set<Path> dirtyDirs = ConcurrentHashMap.newKeySet();
  private final Set<Path> madeDirs = ConcurrentHashMap.newKeySet();
  private final AtomicLong tmpCounter = new AtomicLong();

  LooseFiles(Path objectsDir, Path tmpDir) {
    this.objectsDir = objectsDir;
    this.tmpDir = tmpDir;
  }

  /** Where the blob's file lives (whether or not it exists). */
  Path path(ObjectId id) {
    String hex = id.name();
    return objectsDir.resolve(hex.substring(0, 2)).resolve(hex.substring(2));
  }

  /** A new empty file to write a blob into before {@link #publish}. */
  Path newTempFile() throws IOException {
    Path tmp = tmpDir.resolve("obj-" + ProcessHandle.current().pid() + "-" + tmpCounter.incrementAndGet());
    Files.deleteIfExists(tmp);
    return Files.createFile(tmp);
  }

  /** Makes the written temporary file the blob's read-only file (not yet durable). */
  void publish(Path tmp, ObjectId id) throws IOException {
    Path target = path(id);
    Path dir = target.getParent();
    // Created before it is marked made: another thread that sees the mark may move into it at once.
    if (!madeDirs.contains(dir)) {
      Files.createDirectories(dir);
      madeDirs.add(dir);
    }
    tmp.toFile().setReadOnly();
    // The disk starts on the file now; the batch's syncfs then waits for what is left.
    Posix.startWriteBack(Posix.bytes(tmp));
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("the staging and object directories must be on one filesystem", e);
    }
    dirtyDirs.add(dir);
  }

  /**
   * Makes the files of {@code ids} and every directory a file was published into durable: one
   * {@code syncfs} for many files, an fsync each for a few, then the directories.
   */
  void sync(List<ObjectId> ids) throws IOException {
    if (ids.size() > SYNCFS_ABOVE) {
      Posix.syncfs(Posix.bytes(objectsDir));
    } else {
      for (ObjectId id : ids) {
        try {
          Fsync.file(path(id));
        } catch (NoSuchFileException gone) {
          // removed meanwhile (gc of an object never referenced): nothing to make durable
        }
      }
    }
    for (Path dir : dirtyDirs.toArray(new Path[0])) {
      dirtyDirs.remove(dir);
      Fsync.directory(dir);
    }
  }

  /**
   * Every file under {@code objects/} with the id its place names, or null for a file whose
   * place names no id (nothing of ours lives directly in {@code objects/} or under another name).
   */
  void forEach(FileVisitor visitor) throws IOException {
    if (!Files.isDirectory(objectsDir)) {
      return;
    }
    try (var fans = Files.newDirectoryStream(objectsDir)) {
      for (Path fan : fans) {
        if (!Files.isDirectory(fan, LinkOption.NOFOLLOW_LINKS)) {
          visitor.visit(fan, null);
          continue;
        }
        try (var files = Files.newDirectoryStream(fan)) {
          for (Path f : files) {
            String hex = fan.getFileName().toString() + f.getFileName();
            visitor.visit(f, ObjectId.isValid(hex) ? ObjectId.fromString(hex) : null);
          }
        }
      }
    }
  }

  /** Receives a loose file and the id its place names (or null). */
  interface FileVisitor {
    void visit(Path file, ObjectId idOrNull) throws IOException;
  }
}
