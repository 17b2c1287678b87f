package org.casfs.sync.server;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Recent fetch streams, as sent: an origin's laptops ask for an update in the same state (they all
 * run the version before it), so their fetch requests are byte for byte the same, and so is the
 * answer; a class of new laptops installing the current version ask alike too. The first such
 * request plans, reads and verifies the objects, reads the deltas, rebuilds the tree deltas and
 * compresses; the rest get the bytes it sent (as OSTree precomputes a static delta once).
 *
 * <p>Streams up to {@value #MAX_IN_MEMORY_BYTES} bytes are kept in memory ({@value
 * #MAX_MEMORY_BYTES} bytes in all) for {@link #KEEP}, so that a delta computed on demand later
 * reaches the next client. Larger ones (whole versions, large updates) are kept in files under a
 * directory of the repository's staging area, when the cache has one, within a disk budget (the
 * least recently used go first) for {@link #KEEP_ON_DISK}: making such a stream costs the server
 * seconds of CPU per client. Only streams that ended normally are kept. The directory is emptied
 * when the cache opens and closes. A cached stream is no more trusted than any other: the client
 * verifies every object it rebuilds from it. Thread-safe.
 */
final class FetchStreamCache implements Closeable {
  static final int MAX_IN_MEMORY_BYTES = 8 << 20;
  static final long MAX_MEMORY_BYTES = 32L << 20;
  static final Duration KEEP = Duration.ofMinutes(10);
  static final Duration KEEP_ON_DISK = Duration.ofHours(1);

  /** The request as the cache keys it: SHA-256 of the body and the encoding asked for. */
  record Key(ByteBuffer digest) {
    String fileName() {
      return HexFormat.of().formatHex(digest.array());
    }
  }

  /** A kept stream, ready to be sent once. */
  interface Kept extends Closeable {
    long size() throws IOException;

    void writeTo(OutputStream out) throws IOException;
  }

  private final Cache<Key, byte[]> inMemory = Caffeine.newBuilder()
      .maximumWeight(MAX_MEMORY_BYTES)
      .weigher((Key k, byte[] v) -> v.length)
      .expireAfterWrite(KEEP)
      .executor(Runnable::run)
      .build();
  /** Null without a directory: streams over {@link #MAX_IN_MEMORY_BYTES} are then not kept. */
  private final Path dirOrNull;
  private final long diskBudgetBytes;
  private final Cache<Key, Path> onDisk;
  private final AtomicLong temporaries = new AtomicLong();

  /** A cache in memory only. */
  FetchStreamCache() {
    this.dirOrNull = null;
    this.diskBudgetBytes = 0;
    this.onDisk = null;
  }

  /** A cache that keeps large streams in {@code dir} (emptied now), up to {@code diskBudgetBytes}. */
  FetchStreamCache(Path dir, long diskBudgetBytes) throws IOException {
    this.dirOrNull = dir;
    this.diskBudgetBytes = diskBudgetBytes;
    Files.createDirectories(dir);
    deleteFilesIn(dir);
    this.onDisk = Caffeine.newBuilder()
        .maximumWeight(Math.max(1, diskBudgetBytes >> 10))
        .weigher((Key k, Path p) -> (int) Math.min(Integer.MAX_VALUE, sizeOrZero(p) >> 10))
        .expireAfterWrite(KEEP_ON_DISK)
        .executor(Runnable::run)
        .removalListener((Key k, Path p, RemovalCause c) -> deleteQuietly(p))
        .build();
  }

  static Key key(byte[] requestBody, boolean zstd) {
    try {
      MessageDigest d = MessageDigest.getInstance("SHA-256");
      d.update(requestBody);
      d.update((byte) (zstd ? 1 : 0));
      return new Key(ByteBuffer.wrap(d.digest()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** The stream sent for an identical request, or null. Close what it returns. */
  Kept getOrNull(Key key) throws IOException {
    byte[] bytes = inMemory.getIfPresent(key);
    if (bytes != null) {
      return new KeptBytes(bytes);
    }
    Path file = onDisk == null ? null : onDisk.getIfPresent(key);
    if (file == null) {
      return null;
    }
    try {
      return new KeptFile(FileChannel.open(file, StandardOpenOption.READ));
    } catch (NoSuchFileException e) {
      return null; // evicted just now
    }
  }

  /** How many streams are kept on disk now (tests). */
  long filesKept() {
    return onDisk == null ? 0 : onDisk.estimatedSize();
  }

  /**
   * Wraps the response body: what passes through is also kept, within the limits. Call {@link
   * Recorder#keep()} once the stream ended normally and is closed, else {@link Recorder#discard()}.
   */
  Recorder record(Key key, OutputStream body) {
    return new Recorder(key, body);
  }

  /** Drops every kept stream and deletes their files. */
  @Override
  public void close() {
    inMemory.invalidateAll();
    if (onDisk != null) {
      onDisk.invalidateAll();
    }
  }

  /** Passes bytes on and keeps a copy: in memory, then in a file, until it outgrows the limits. */
  final class Recorder extends FilterOutputStream {
    private final Key key;
    private ByteArrayOutputStream memory = new ByteArrayOutputStream(64 << 10);
    private Path file;
    private OutputStream fileOut;
    private long written;
    private long limit = MAX_IN_MEMORY_BYTES;

    private Recorder(Key key, OutputStream out) {
      super(out);
      this.key = key;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      if (memory == null && fileOut == null) {
        return; // not kept
      }
      try {
        if (written + len > limit && !moveToDisk(len)) {
          discard();
          return;
        }
        (fileOut != null ? fileOut : memory).write(b, off, len);
        written += len;
      } catch (IOException e) {
        discard(); // the cache failed, not the response
      }
    }

    private boolean moveToDisk(int len) throws IOException {
      if (fileOut != null || dirOrNull == null) {
        return false;
      }
      // Never fill the disk with a cache: at most a quarter of what is free.
      limit = Math.min(diskBudgetBytes, Files.getFileStore(dirOrNull).getUsableSpace() / 4);
      if (written + len > limit) {
        return false;
      }
      file = dirOrNull.resolve(key.fileName() + "-" + temporaries.incrementAndGet() + ".tmp");
      fileOut = new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE), 1 << 20);
      memory.writeTo(fileOut);
      memory = null;
      return true;
    }

    /** Forgets the copy (a stream that failed); nothing once {@link #keep()} has run. */
    void discard() {
      memory = null;
      closeFile();
      if (file != null) {
        deleteQuietly(file);
        file = null;
      }
    }

    private void closeFile() {
      if (fileOut != null) {
        try {
          fileOut.close();
        } catch (IOException e) {
          // dropped with the file
        }
        fileOut = null;
      }
    }

    /** The stream ended normally (and is closed): later identical requests get these bytes. */
    void keep() {
      if (memory != null) {
        inMemory.put(key, memory.toByteArray());
        memory = null;
      } else if (fileOut != null) {
        try {
          fileOut.close();
          fileOut = null;
          // A name of its own: a stream kept for the same request by a concurrent fetch is replaced
          // in the cache, and its file deleted, without touching this one.
          String name = file.getFileName().toString();
          Path kept = dirOrNull.resolve(name.substring(0, name.length() - ".tmp".length()));
          Files.move(file, kept, StandardCopyOption.ATOMIC_MOVE);
          file = null;
          onDisk.put(key, kept);
        } catch (IOException e) {
          discard();
        }
      }
    }
  }

  private record KeptBytes(byte[] bytes) implements Kept {
    @Override
    public long size() {
      return bytes.length;
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
      out.write(bytes);
    }

    @Override
    public void close() {}
  }

  private record KeptFile(FileChannel channel) implements Kept {
    @Override
    public long size() throws IOException {
      return channel.size();
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
      // In 256 KiB writes (a channel over an OutputStream would copy 8 KiB at a time).
      ByteBuffer buf = ByteBuffer.allocate(256 << 10);
      long position = 0;
      int n;
      while ((n = channel.read(buf.clear(), position)) > 0) {
        out.write(buf.array(), 0, n);
        position += n;
      }
    }

    @Override
    public void close() throws IOException {
      channel.close();
    }
  }

  private static long sizeOrZero(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0;
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException e) {
      // a cache file: the next start empties the directory
    }
  }

  private static void deleteFilesIn(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}
