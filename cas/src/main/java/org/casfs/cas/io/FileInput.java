package org.casfs.cas.io;

import java.io.IOException;
import java.io.InputStream;
import org.casfs.cas.OneByteRead;
import org.casfs.cas.posix.FileStat;
import org.casfs.cas.posix.Posix;
import org.casfs.cas.posix.PosixException;

/**
 * Exactly {@code size} bytes of one regular file, opened by raw path (names need not be UTF-8).
 * A file that turns out shorter or longer than its {@code lstat} size, or whose size, modification
 * or change time differ from it once read to the end, was changed while being imported: that is
 * an error naming the path, never a silently different blob (bytes written during the read would
 * give a blob of two states, a file that never was). Not thread-safe.
 */
final class FileInput extends InputStream {
  private final byte[] path;
  private final FileStat expected;
  private final long size;
  private final int fd;
  private long position;
  private boolean closed;

  /**
   * Opens {@code path}, which {@code expected} (its {@code lstat}) says is a regular file: anything
   * else found there when it is opened (another file renamed over it, a FIFO, a device) was put
   * there during the import and is an error, never read.
   */
  FileInput(byte[] path, FileStat expected) throws IOException {
    this.path = path;
    this.expected = expected;
    this.size = expected.size();
    try {
      this.fd = Posix.openRead(path);
    } catch (PosixException e) {
      throw TreeChanged.orRemoved(e, path);
    }
    FileStat opened;
    try {
      opened = Posix.fstat(fd, path);
    } catch (IOException e) {
      Posix.close(fd, path);
      throw e;
    }
    if (!opened.isRegular() || opened.ino() != expected.ino() || opened.dev() != expected.dev()) {
      Posix.close(fd, path);
      throw changed("another " + (opened.isRegular() ? "file" : "kind of file") + " took its place");
    }
  }

  @Override
  public int read() throws IOException {
    return OneByteRead.through(this);
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (position == size) {
      checkAtEnd();
      return -1;
    }
    int n = Posix.read(fd, b, off, (int) Math.min(len, size - position), path);
    if (n == 0) {
      throw changed("it ended after " + position + " of " + size + " bytes");
    }
    position += n;
    if (position == size) {
      checkAtEnd();
    }
    return n;
  }

  /**
   * All {@code size} bytes are read: the file must still be as its {@code lstat} found it. A write
   * moves the modification and change times, and growing moves the size (one {@code fstat}, where
   * reading one byte more would notice growth alone).
   */
  private void checkAtEnd() throws IOException {
    FileStat now = Posix.fstat(fd, path);
    if (now.size() != size) {
      throw changed("it has " + now.size() + " bytes, not the " + size + " it had");
    }
    if (now.mtimeNanos() != expected.mtimeNanos() || now.ctimeNanos() != expected.ctimeNanos()) {
      throw changed("it was written to or its attributes changed");
    }
  }

  private IOException changed(String how) {
    return TreeChanged.changed(path, how, null);
  }

  /** Reads the whole file into the start of {@code buf} (at least as long as the file); for small files only. */
  void readFully(byte[] buf) throws IOException {
    if (buf.length < size) {
      throw new IllegalArgumentException("a buffer of " + buf.length + " bytes cannot hold " + size);
    }
    int off = 0;
    while (off < size) {
      int n = read(buf, off, (int) size - off);
      off += n;
    }
    if (size == 0) {
      checkAtEnd(); // read() probes the end when it reaches it; an empty file never gets there
    }
  }

  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      Posix.close(fd, path);
    }
  }
}
