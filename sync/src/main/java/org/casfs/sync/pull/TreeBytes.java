package org.casfs.sync.pull;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Arrays;
import java.util.concurrent.Semaphore;
import org.casfs.cas.ObjectId;
import org.casfs.sync.wire.WireException;

/**
 * Reads trees from untrusted sources within the memory a pull may give them. A tree is at most
 * {@link #MAX} bytes: the cas codec takes up to 2^21 entries, hundreds of MiB, but a machine
 * holds a tree whole while it hashes it and then decoded (about three times its bytes), and
 * a laptop's daemon has 160 MiB of heap: a 200 MiB root tree frame (6.6 KB under zstd) ended a
 * pull in OutOfMemoryError. 16 MiB is about 180,000 entries; the largest directory of a Debian
 * root has about 10,000 (1 MB). Up to {@link #SMALL} bytes a tree is read by any number of
 * threads at once; a larger one is read, verified and stored holding the one permit for large
 * trees, so eight parallel GETs cost at most 7 x {@link #SMALL} + one large tree, not 8 x
 * {@link #MAX}. Thread-safe.
 */
final class TreeBytes {
  /** The largest tree a pull takes: the largest the codec makes or reads. */
  static final int MAX = org.casfs.cas.Tree.MAX_ENCODED_BYTES;
  /** Trees up to this size are read without the large-tree permit. */
  static final int SMALL = 1 << 20;

  /** What is done with a tree's bytes while its memory is accounted for. */
  interface Use {
    void accept(byte[] bytes) throws IOException;
  }

  private final Semaphore large = new Semaphore(1);

  /**
   * Reads the tree {@code id} from {@code in} to its end and hands its bytes to {@code use}.
   *
   * @throws WireException if it is over {@link #MAX} bytes (the source is lying or the tree too
   *     large for any pull)
   */
  void read(String source, ObjectId id, InputStream in, Use use) throws IOException {
    byte[] bytes = in.readNBytes(SMALL + 1);
    if (bytes.length <= SMALL) {
      use.accept(bytes);
      return;
    }
    acquire(id);
    try {
      use.accept(readRest(source, id, in, bytes));
    } finally {
      large.release();
    }
  }

  /** Hands {@code bytes} (a tree rebuilt from a delta) to {@code use}, holding the permit if it is large. */
  void use(ObjectId id, byte[] bytes, Use use) throws IOException {
    if (bytes.length <= SMALL) {
      use.accept(bytes);
      return;
    }
    acquire(id);
    try {
      use.accept(bytes);
    } finally {
      large.release();
    }
  }

  private void acquire(ObjectId id) throws InterruptedIOException {
    try {
      large.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting to read tree " + id);
    }
  }

  /** {@code head} and the rest of {@code in}, grown as bytes arrive, never past {@link #MAX}. */
  private static byte[] readRest(String source, ObjectId id, InputStream in, byte[] head) throws IOException {
    byte[] b = Arrays.copyOf(head, Math.max(head.length * 2, 4 << 20));
    int n = head.length;
    while (true) {
      if (n == b.length) {
        if (n > MAX) {
          throw tooLarge(source, id, "over " + MAX);
        }
        b = Arrays.copyOf(b, Math.min(MAX + 1, b.length * 2));
      }
      int got = in.read(b, n, b.length - n);
      if (got < 0) {
        break;
      }
      n += got;
    }
    if (n > MAX) {
      throw tooLarge(source, id, "over " + MAX);
    }
    return n == b.length ? b : Arrays.copyOf(b, n);
  }

  /** The refusal of a tree of {@code size} (a number or "over N") bytes. */
  static WireException tooLarge(String source, ObjectId id, String size) {
    return new WireException(source + " sent tree " + id + " of " + size + " bytes; a pull takes trees up to " + MAX
        + " bytes (a directory of about 180,000 entries): refusing it");
  }
}
