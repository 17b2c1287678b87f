package org.casfs.fs;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * The bytes of one open regular file of one version, read at any offset. Reads are clamped here,
 * not in the adapter: a read at or past the end returns 0, a read that crosses the end returns
 * what is left. Thread-safe (positional reads).
 */
public abstract class FileContent implements Closeable {
  private final long size;

  FileContent(long size) {
    this.size = size;
  }

  public long size() {
    return size;
  }

  /**
   * Fills {@code dst} from {@code offset}, up to its remaining space or the end of the file.
   *
   * @return bytes copied; 0 at or past the end
   */
  public final int read(long offset, ByteBuffer dst) throws IOException {
    if (offset < 0) {
      throw new IllegalArgumentException("negative offset " + offset);
    }
    if (offset >= size || !dst.hasRemaining()) {
      return 0;
    }
    int want = (int) Math.min(dst.remaining(), size - offset);
    ByteBuffer window = dst.duplicate();
    window.limit(window.position() + want);
    int done = readFully(offset, window);
    dst.position(dst.position() + done);
    return done;
  }

  abstract int readFully(long offset, ByteBuffer dst) throws IOException;

  /** A small blob held in memory (already verified by the store). */
  static FileContent ofBytes(byte[] bytes) {
    return new FileContent(bytes.length) {
      @Override
      int readFully(long offset, ByteBuffer dst) {
        int n = dst.remaining();
        dst.put(bytes, (int) offset, n);
        return n;
      }

      @Override
      public void close() {}
    };
  }

  /**
   * A loose blob file read by position: into a direct buffer the kernel copies straight from the
   * page cache, without a Java heap copy.
   */
  static FileContent ofChannel(FileChannel channel, long size) {
    return new FileContent(size) {
      @Override
      int readFully(long offset, ByteBuffer dst) throws IOException {
        int total = 0;
        while (dst.hasRemaining()) {
          int n = channel.read(dst, offset + total);
          if (n < 0) {
            break;
          }
          total += n;
        }
        return total;
      }

      @Override
      public void close() throws IOException {
        channel.close();
      }
    };
  }
}
