package org.casfs.sync.pull;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.atomic.AtomicLong;
import org.casfs.cas.ObjectId;
import org.casfs.sync.trust.SignedHead;
import org.casfs.sync.wire.FetchRequest;
import org.casfs.sync.wire.StaticPaths;

/**
 * A directory written by {@code casfs mirror} (a USB stick): the same paths as the server, as
 * plain files. As untrusted as any server: everything read is verified by the puller.
 * Thread-safe.
 */
public final class DirSource implements Source {
  private final Path dir;
  private final AtomicLong read = new AtomicLong();
  private final AtomicLong requests = new AtomicLong();

  public DirSource(Path dir) {
    this.dir = dir.toAbsolutePath();
  }

  @Override
  public boolean local() {
    return true;
  }

  @Override
  public String name() {
    return dir.toString();
  }

  @Override
  public byte[] head() throws IOException {
    requests.incrementAndGet();
    Path f = dir.resolve("v1/head");
    try (InputStream in = Channels.newInputStream(openFile(f))) {
      byte[] b = in.readNBytes(SignedHead.MAX_BYTES + 1);
      read.addAndGet(b.length);
      return b;
    } catch (NoSuchFileException e) {
      throw new FileNotFoundException(f + " is missing; is " + dir + " a folder written by 'casfs mirror'?");
    }
  }

  @Override
  public InputStream openFetchOrNull(FetchRequest request) {
    return null;
  }

  @Override
  public InputStream openObject(ObjectId id, long offset) throws IOException {
    requests.incrementAndGet();
    Path f = dir.resolve(StaticPaths.object(id));
    try {
      FileChannel ch = openFile(f);
      ch.position(offset);
      InputStream in = Channels.newInputStream(ch);
      return new java.io.FilterInputStream(in) {
        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          int n = super.read(b, off, len);
          if (n > 0) {
            read.addAndGet(n);
          }
          return n;
        }
      };
    } catch (NoSuchFileException e) {
      if (!Files.exists(dir.resolve("v1/head"))) {
        // Its head was read when the pull began: the folder went away meanwhile.
        throw new FileNotFoundException(dir + " is gone (was the stick or disk removed?): it no longer holds the"
            + " mirror it held when the pull began; put it back and pull again to fetch the rest");
      }
      throw new FileNotFoundException(dir + " does not have object " + id);
    }
  }

  @Override
  public byte[] deltaOrNull(ObjectId oldBlob, ObjectId newBlob, int maxBytes) throws IOException {
    requests.incrementAndGet();
    Path f = dir.resolve(StaticPaths.delta(oldBlob, newBlob));
    // A delta is optional: one that cannot be read as a file leaves the whole object to fetch.
    try (InputStream in = Channels.newInputStream(openFile(f))) {
      byte[] b = in.readNBytes(maxBytes + 1);
      read.addAndGet(b.length);
      return b.length > maxBytes ? null : b;
    } catch (NoSuchFileException | NotAFileException e) {
      return null;
    }
  }

  /**
   * Opens a file of the folder, refusing what {@code casfs mirror} never writes there, which a stick
   * from elsewhere may hold: the open of a FIFO waits for a writer that never comes, a device such
   * as {@code /dev/zero} never ends. (Symbolic links to files are followed: a folder may be
   * assembled with them.)
   */
  private static FileChannel openFile(Path f) throws IOException {
    BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
    if (!a.isRegularFile()) {
      throw new NotAFileException(f + " is " + (a.isDirectory() ? "a directory" : "a FIFO, device or socket")
          + ", not a file 'casfs mirror' writes");
    }
    return FileChannel.open(f);
  }

  /**
   * Something other than a file in a file's place. A {@link FileNotFoundException}: the folder lacks
   * the file this time and the next, so the puller advises another source.
   */
  private static final class NotAFileException extends FileNotFoundException {
    NotAFileException(String message) {
      super(message);
    }
  }

  @Override
  public long bytesReceived() {
    return read.get();
  }

  @Override
  public long requests() {
    return requests.get();
  }
}
