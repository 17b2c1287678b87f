package org.casfs.cas.store;

import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.casfs.cas.ObjectId;
import org.casfs.cas.posix.HoleWriter;
import org.casfs.cas.posix.Posix;
import org.casfs.cas.posix.PosixException;

/**
 * The loose blobs of a {@link DiskObjectStore}: read-only files {@code objects/ab/cdef…}, written
 * under a temporary name in the staging directory (same filesystem) and renamed into place, then
 * made durable in batches by {@link #sync}; their pages leave the page cache once on disk ({@link
 * WrittenFilePages}). Says nothing about the index. Thread-safe.
 */
final class LooseFiles {
  /** Above this many files one syncfs of the filesystem is cheaper than an fsync per file. */
  private static final int SYNCFS_ABOVE = 8;
  /** Temporary files are named this and a counter: unique within the process and among processes. */
  static final String TEMP_PREFIX = "obj-" + ProcessHandle.current().pid() + "-";
  /** errno of a rename across filesystems. */
  private static final int EXDEV = 18;

  private final Path objectsDir;
  private final byte[] tmpDirBytes;
  private final Set<Path> dirtyDirs = ConcurrentHashMap.newKeySet();
  private final Set<Path> madeDirs = ConcurrentHashMap.newKeySet();
  private final AtomicLong tmpCounter = new AtomicLong();
  private final WrittenFilePages pages = new WrittenFilePages();

  LooseFiles(Path objectsDir, Path tmpDir) {
    this.objectsDir = objectsDir;
    this.tmpDirBytes = Posix.bytes(tmpDir);
  }

  /** Where the blob's file lives (whether or not it exists). */
  Path path(ObjectId id) {
    String hex = id.name();
    return objectsDir.resolve(hex.substring(0, 2)).resolve(hex.substring(2));
  }

  /**
   * A new file to write a blob into, under a temporary name, read-only from the start (mode 0444:
   * the descriptor still writes). Close it in every case: unless it was published, that deletes it.
   */
  Temp newTemp() throws IOException {
    return new Temp();
  }

  /**
   * A blob's file being written: one descriptor from creation to {@link #publish}, where the
   * {@code java.nio.file} calls before cost a creation, a second open for writing, a third for the
   * write-back hint, a chmod and a failed lstat (thrown from native code and caught) per file: in
   * a full pull of Debian v1 (1,168 loose blobs) 0.1-0.2 s of the writer threads' CPU. Not
   * thread-safe.
   */
  final class Temp implements Closeable {
    private final byte[] path;
    private int fd; // -1 once closed
    private boolean published;
    private final HoleWriter out;

    private Temp() throws IOException {
      path = Posix.join(tmpDirBytes, (TEMP_PREFIX + tmpCounter.incrementAndGet()).getBytes(StandardCharsets.US_ASCII));
      int created;
      try {
        created = Posix.createNew(path, 0444);
      } catch (PosixException e) {
        if (e.errno() != Posix.EEXIST) {
          throw e;
        }
        // left by a killed process that had this pid: not ours to keep
        Posix.unlink(path);
        created = Posix.createNew(path, 0444);
      }
      fd = created;
      out = new HoleWriter(fd, path);
    }

    /** Appends {@code len} bytes; runs of zeros are left as holes ({@link HoleWriter}). */
    void write(byte[] bytes, int off, int len) throws IOException {
      out.write(bytes, off, len);
    }

    /** Makes the written file the blob's read-only file (not yet durable: see {@link #sync}). */
    void publish(ObjectId id) throws IOException {
      out.finish();
      // The disk starts on the file now; the batch's syncfs then waits for what is left.
      Posix.startWriteBack(fd);
      Path target = path(id);
      Path dir = target.getParent();
      // Created before it is marked made: another thread that sees the mark may move into it at once.
      if (!madeDirs.contains(dir)) {
        Files.createDirectories(dir);
        madeDirs.add(dir);
      }
      try {
        Posix.rename(path, Posix.bytes(target));
      } catch (PosixException e) {
        throw e.errno() == EXDEV
            ? new IOException("the staging and object directories must be on one filesystem", e) : e;
      }
      published = true;
      dirtyDirs.add(dir);
      int written = fd;
      fd = -1;
      pages.add(written, out.length());
    }

    private void closeDescriptor() throws IOException {
      if (fd >= 0) {
        int open = fd;
        fd = -1;
        Posix.close(open, path);
      }
    }

    /** Deletes the file unless it was published. */
    @Override
    public void close() throws IOException {
      try {
        closeDescriptor();
      } finally {
        if (!published) {
          Posix.unlink(path);
        }
      }
    }
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
    pages.dropAll(); // on disk now
  }

  /** Closes the files still held open for their pages ({@link WrittenFilePages}). */
  void close() {
    pages.dropAll();
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
