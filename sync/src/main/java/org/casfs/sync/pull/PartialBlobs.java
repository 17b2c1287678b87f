package org.casfs.sync.pull;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.casfs.cas.ObjectId;
import org.casfs.cas.OneByteRead;

/**
 * The received prefix of large blobs whose transfer broke (a killed pull, a dropped connection),
 * one file per blob ({@code REPO/staging/partial/{id}}), so the next attempt asks only for the
 * rest ({@code Range: bytes=N-}) instead of the whole blob again. A prefix is untrusted like the
 * source it came from: the blob is verified whole (prefix + rest) before it is stored, and a
 * prefix that does not verify is dropped and the blob fetched whole. Not fsynced: a prefix damaged
 * by a crash only costs that refetch. Thread-safe for different blobs (one writer per blob).
 */
final class PartialBlobs {
  /**
   * Blobs from this size on keep their prefix wherever they are passed to the store as they
   * arrive: by a fetch stream (those over {@link BlobWriters#MAX_PIPELINED}, 1 MiB; smaller ones it
   * holds in memory) and object by object (after a stream broke, from a static mirror). Over a link
   * that drops more often than such a blob takes to arrive, it would otherwise start again each
   * time and never arrive (at 8 MiB, as before 5092006, a 1-8 MiB blob did not; at 1 MiB, a 128 KiB
   * one over a link carrying 64 KiB between drops). The prefix files are not synced and are deleted
   * once the blob is stored, so on a good link they stay in the page cache.
   */
  static final long MIN_SIZE = 64 << 10;

  private final Path dir;

  PartialBlobs(Path dir) {
    this.dir = dir;
  }

  /** Whether a blob of {@code size} bytes keeps a prefix while it is received. */
  boolean keeps(long size) {
    return size >= MIN_SIZE;
  }

  /** The bytes held for {@code id} if fewer than {@code size} (a usable prefix), else 0. */
  long heldBytes(ObjectId id, long size) throws IOException {
    try {
      long n = Files.size(dir.resolve(id.name()));
      return n < size ? n : 0;
    } catch (NoSuchFileException e) {
      return 0;
    }
  }

  /** The bytes of every prefix held. */
  long heldBytes() throws IOException {
    long total = 0;
    for (ObjectId id : ids()) {
      try {
        total += Files.size(dir.resolve(id.name()));
      } catch (NoSuchFileException e) {
        // dropped meanwhile
      }
    }
    return total;
  }

  /** Ids with a prefix held. */
  List<ObjectId> ids() throws IOException {
    List<ObjectId> out = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        if (ObjectId.isValid(name)) {
          out.add(ObjectId.fromString(name));
        }
      }
    }
    return out;
  }

  /** The first {@code n} bytes held for {@code id}. */
  InputStream prefix(ObjectId id, long n) throws IOException {
    return new Bounded(Files.newInputStream(dir.resolve(id.name())), n);
  }

  /**
   * {@code in}, with every byte read also written to {@code id}'s prefix file (appended to what
   * is held with {@code append}, else replacing it). Close it to close the file.
   */
  InputStream recording(ObjectId id, InputStream in, boolean append) throws IOException {
    Files.createDirectories(dir);
    OutputStream file = Files.newOutputStream(dir.resolve(id.name()), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
        append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        return OneByteRead.through(this);
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
          file.write(b, off, n);
        }
        return n;
      }

      @Override
      public void close() throws IOException {
        try (file) {
          super.close();
        }
      }
    };
  }

  void drop(ObjectId id) throws IOException {
    Files.deleteIfExists(dir.resolve(id.name()));
  }

  /** Drops every prefix (the pull completed). */
  void clear() throws IOException {
    for (ObjectId id : ids()) {
      drop(id);
    }
  }

  /** At most {@code left} bytes of a stream. */
  private static final class Bounded extends FilterInputStream {
    private long left;

    Bounded(InputStream in, long left) {
      super(in);
      this.left = left;
    }

    @Override
    public int read() throws IOException {
      return OneByteRead.through(this);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n > 0) {
        left -= n;
      }
      return n;
    }
  }
}
