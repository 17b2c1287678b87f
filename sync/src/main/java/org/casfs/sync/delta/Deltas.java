package org.casfs.sync.delta;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.casfs.cas.DualDigest;
import org.casfs.cas.HashedBytes;
import org.casfs.cas.Hashes;
import org.casfs.cas.ObjectId;

/**
 * Making and applying whole deltas (header and body). Applying is always verified: the output is
 * size-bounded by the header's new size, hashed while it streams, and must match both the SHA-1
 * and the SHA-256 the caller expects, or the call ends in {@link CorruptDeltaException}. Stateless
 * and thread-safe.
 */
public final class Deltas {
  /** zstd level used when no budget says otherwise. */
  public static final int DEFAULT_ZSTD_LEVEL = 19;
  /** zstd level of the block engine's literals. */
  static final int BLOCKS_LEVEL = 9;

  private Deltas() {}

  /** The encoder of an engine with default settings. */
  public static DeltaEncoder encoder(DeltaEngine engine) {
    return switch (engine) {
      case ZSTD -> new ZstdDelta(DEFAULT_ZSTD_LEVEL);
      case BSDIFF -> new BsdiffDelta(BsdiffDelta.LIMIT);
      case BLOCKS -> new BlockDelta(BLOCKS_LEVEL);
    };
  }

  /** A zstd encoder at another level (faster for large blobs). */
  public static DeltaEncoder zstdEncoder(int level) {
    return new ZstdDelta(level);
  }

  /** A bsdiff encoder that takes blobs up to {@code limit} bytes (capped at 16 MiB). */
  public static DeltaEncoder bsdiffEncoder(int limit) {
    return new BsdiffDelta(limit);
  }

  public static DeltaApplier applier(DeltaEngine engine) {
    return switch (engine) {
      case ZSTD -> new ZstdDelta(DEFAULT_ZSTD_LEVEL);
      case BSDIFF -> new BsdiffDelta(BsdiffDelta.LIMIT);
      case BLOCKS -> new BlockDelta(BLOCKS_LEVEL);
    };
  }

  /** A whole delta from {@code oldBlob} (named {@code oldId}) to {@code newBlob} (with hashes {@code newHashes}). */
  public static byte[] create(DeltaEncoder encoder, ObjectId oldId, BlobSource oldBlob, Hashes newHashes,
      BlobSource newBlob) throws IOException {
    return create(encoder, oldId, oldBlob, newHashes, newBlob, Integer.MAX_VALUE - 8);
  }

  /**
   * {@link #create}, abandoned with a {@link DeltaTooLargeException} as soon as the delta is over
   * {@code limit} bytes.
   */
  static byte[] create(DeltaEncoder encoder, ObjectId oldId, BlobSource oldBlob, Hashes newHashes,
      BlobSource newBlob, long limit) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream() {
      @Override
      public synchronized void write(byte[] b, int off, int len) {
        if (count + (long) len > limit) {
          throw new TooLarge();
        }
        super.write(b, off, len);
      }

      @Override
      public synchronized void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
      }
    };
    try {
      out.write(new DeltaHeader(encoder.engine(), oldId, newHashes, newBlob.size()).encode());
      encoder.encode(oldBlob, newBlob, out);
    } catch (TooLarge e) {
      throw new DeltaTooLargeException(oldId, newHashes.id(), limit);
    }
    return out.toByteArray();
  }

  /** Thrown through an encoder by the bounded buffer (an encoder may wrap an IOException). */
  private static final class TooLarge extends RuntimeException {
    TooLarge() {
      super(null, null, false, false);
    }
  }

  /**
   * Applies {@code delta} to {@code oldBlob}, writing the new blob to {@code out}, and verifies the
   * result. {@code out} receives bytes before they are verified: write it somewhere that is
   * discarded unless this returns normally (a temporary file, a buffer).
   *
   * @param expectedOld the blob the caller holds as {@code oldBlob}
   * @param expectedNew the new blob's hashes, as the (signed) tree names them
   * @return the header
   * @throws CorruptDeltaException if the delta is malformed, names other blobs, or does not
   *     reproduce {@code expectedNew} exactly
   */
  public static DeltaHeader apply(InputStream delta, ObjectId expectedOld, Hashes expectedNew, BlobSource oldBlob,
      OutputStream out) throws IOException {
    DualDigest digest = new DualDigest();
    DeltaHeader header = applyUnhashed(delta, expectedOld, expectedNew, oldBlob, out, digest);
    checkResult(expectedOld, expectedNew, digest.finish());
    return header;
  }

  /**
   * {@link #apply} into memory: the verified new blob with the hashes taken while it was written
   * (one pass), so a store can keep it without hashing it again.
   */
  public static HashedBytes applyInMemory(InputStream delta, ObjectId expectedOld, Hashes expectedNew,
      BlobSource oldBlob, int expectedSize) throws IOException {
    HashedBytes.Collector out = new HashedBytes.Collector(expectedSize);
    applyUnhashed(delta, expectedOld, expectedNew, oldBlob, out, null);
    HashedBytes result = out.finish();
    checkResult(expectedOld, expectedNew, result.hashes());
    return result;
  }

  /**
   * Checks the header against the expected blobs and applies the delta into {@code out} (hashing
   * into {@code digestOrNull} when {@code out} does not hash itself), bounded by the declared size;
   * the caller then checks the result's hashes ({@link #checkResult}).
   */
  private static DeltaHeader applyUnhashed(InputStream delta, ObjectId expectedOld, Hashes expectedNew,
      BlobSource oldBlob, OutputStream out, DualDigest digestOrNull) throws IOException {
    DeltaHeader header;
    try {
      header = DeltaHeader.read(delta);
    } catch (DeltaFormatException e) {
      throw CorruptDeltaException.between(expectedOld, expectedNew.id(), e.getMessage());
    }
    if (!header.oldId().equals(expectedOld) || !header.newBlob().equals(expectedNew)) {
      throw CorruptDeltaException.between(expectedOld, expectedNew.id(), "its header names " + header.name()
          + " with SHA-256 " + header.newBlob().sha256());
    }
    VerifyingSink sink = new VerifyingSink(out, digestOrNull, header.newSize());
    try {
      applier(header.engine()).apply(oldBlob, delta, header.newSize(), sink);
    } catch (DeltaFormatException e) {
      throw CorruptDeltaException.between(expectedOld, expectedNew.id(), header.engine().label() + ": " + e.getMessage());
    } catch (RuntimeException e) {
      // An engine bug on hostile input must not escape as an unchecked exception.
      throw CorruptDeltaException.between(expectedOld, expectedNew.id(), header.engine().label() + " failed: " + e);
    }
    if (sink.written != header.newSize()) {
      throw CorruptDeltaException.between(expectedOld, expectedNew.id(), "it produced " + sink.written + " bytes, the blob has "
          + header.newSize());
    }
    return header;
  }

  /** The rebuilt blob must be exactly the one the tree names. */
  private static void checkResult(ObjectId expectedOld, Hashes expectedNew, Hashes actual) throws CorruptDeltaException {
    if (!actual.equals(expectedNew)) {
      throw CorruptDeltaException.between(expectedOld, expectedNew.id(), "its result hashes to " + actual.id() + " / SHA-256 " + actual.sha256());
    }
  }

  /** {@link #apply} for blobs held in memory; returns the verified new blob. */
  public static byte[] apply(byte[] delta, ObjectId expectedOld, Hashes expectedNew, byte[] oldBlob)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    apply(new ByteArrayInputStream(delta), expectedOld, expectedNew, BlobSource.of(oldBlob), out);
    return out.toByteArray();
  }

  /** Counts and bounds what an applier writes, and hashes it unless its target does. */
  private static final class VerifyingSink extends OutputStream {
    private final OutputStream out;
    private final DualDigest digestOrNull;
    private final long limit;
    private long written;

    VerifyingSink(OutputStream out, DualDigest digestOrNull, long limit) {
      this.out = out;
      this.digestOrNull = digestOrNull;
      this.limit = limit;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (len > limit - written) {
        throw new DeltaFormatException("output runs past the declared size " + limit);
      }
      if (digestOrNull != null) {
        digestOrNull.update(b, off, len);
      }
      out.write(b, off, len);
      written += len;
    }
  }
}
