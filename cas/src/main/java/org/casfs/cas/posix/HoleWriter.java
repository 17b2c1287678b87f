package org.casfs.cas.posix;

import java.util.Arrays;

/**
 * Appends to an open file and leaves runs of zeros as holes: each {@link #PIECE} of zeros (or a
 * whole shorter write of zeros) is skipped over, not written, so a sparse file (a live root's
 * /var/log/lastlog, a disk image) takes its data's disk, not its length, and reads back the same.
 * {@link #finish} gives the file its full length when it ends in a hole. Not thread-safe.
 */
public final class HoleWriter {
  /** The unit in which zeros become holes: a multiple of every file system's block. */
  public static final int PIECE = 64 * 1024;
  private static final byte[] ZEROS = new byte[PIECE];

  private final int fd;
  private final byte[] pathForErrors;
  private long position;
  private boolean holeAtEnd;

  public HoleWriter(int fd, byte[] pathForErrors) {
    this.fd = fd;
    this.pathForErrors = pathForErrors;
  }

  public void write(byte[] bytes, int off, int len) throws PosixException {
    int data = 0; // bytes [data, done) are not yet written: one write per run of pieces with data
    for (int done = 0; done < len; ) {
      int n = Math.min(PIECE, len - done);
      if (Arrays.mismatch(bytes, off + done, off + done + n, ZEROS, 0, n) < 0) {
        Posix.writeFully(fd, bytes, off + data, done - data, pathForErrors);
        Posix.skip(fd, n, pathForErrors);
        data = done + n;
      }
      done += n;
    }
    Posix.writeFully(fd, bytes, off + data, len - data, pathForErrors);
    holeAtEnd = data == len && len > 0 || holeAtEnd && len == 0;
    position += len;
  }

  /** The bytes written so far, holes included. */
  public long length() {
    return position;
  }

  /** Makes the file as long as what was written (a hole at its end is otherwise not part of it). */
  public void finish() throws PosixException {
    if (holeAtEnd) {
      Posix.truncate(fd, position, pathForErrors);
    }
  }
}
