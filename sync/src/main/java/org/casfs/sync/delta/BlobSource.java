package org.casfs.sync.delta;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Random read access to the bytes of one blob, so that delta engines can load only the window
 * of an old blob they need instead of the whole file. Implementations over a byte array are
 * thread-safe; over a file, reads use positional I/O and are thread-safe too.
 */
public interface BlobSource extends Closeable {
  /** The blob's length in bytes. */
  long size();

  /** Reads exactly {@code len} bytes at {@code pos}; fewer available is an {@link EOFException}. */
  void readFully(long pos, byte[] dst, int off, int len) throws IOException;

  /** The bytes {@code [pos, pos + len)} as a new array. */
  default byte[] read(long pos, int len) throws IOException {
    byte[] b = new byte[len];
    readFully(pos, b, 0, len);
    return b;
  }

  /**
   * The whole blob, which must be at most {@code limit} bytes (a caller bug otherwise). The
   * result may be shared with the source: callers must not modify it.
   */
  default byte[] readAll(long limit) throws IOException {
    if (size() > limit) {
      throw new IllegalStateException("blob of " + size() + " bytes is over the in-memory limit " + limit);
    }
    return read(0, (int) size());
  }

  @Override
  default void close() throws IOException {}

  static BlobSource of(byte[] bytes) {
    return new BlobSource() {
      @Override
      public long size() {
        return bytes.length;
      }

      @Override
      public void readFully(long pos, byte[] dst, int off, int len) throws EOFException {
        if (pos < 0 || pos + len > bytes.length) {
          throw new EOFException("read of " + len + " bytes at " + pos + " past the end of a " + bytes.length + "-byte blob");
        }
        System.arraycopy(bytes, (int) pos, dst, off, len);
      }

      /** The array itself, not a copy: engines only read it. */
      @Override
      public byte[] readAll(long limit) {
        return bytes;
      }
    };
  }

  /** A file opened for positional reads; close it when done. */
  static BlobSource open(Path file) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
    long size = ch.size();
    return new BlobSource() {
      @Override
      public long size() {
        return size;
      }

      @Override
      public void readFully(long pos, byte[] dst, int off, int len) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(dst, off, len);
        long p = pos;
        while (b.hasRemaining()) {
          int n = ch.read(b, p);
          if (n < 0) {
            throw new EOFException(file + " ended at " + p + ", expected " + (pos + len) + " bytes");
          }
          p += n;
        }
      }

      @Override
      public void close() throws IOException {
        ch.close();
      }
    };
  }
}
