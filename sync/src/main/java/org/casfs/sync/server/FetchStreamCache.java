package org.casfs.sync.server;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;

/**
 * Recent fetch streams, as sent: an origin's laptops ask for an update in the same state (they all
 * run the version before it), so their fetch requests are byte for byte the same, and so is the
 * answer. The first such request plans, reads the deltas, rebuilds the tree deltas and compresses;
 * the rest get the bytes it sent (as OSTree precomputes a static delta once). Only streams up to
 * {@value #MAX_STREAM_BYTES} bytes that ended normally are kept, {@value #MAX_TOTAL_BYTES} bytes
 * in all, each for {@link #KEEP} (a delta computed on demand later then reaches the next client).
 * A cached stream is no more trusted than any other: the client verifies every object it rebuilds
 * from it. Thread-safe.
 */
final class FetchStreamCache {
  static final int MAX_STREAM_BYTES = 8 << 20;
  static final long MAX_TOTAL_BYTES = 32L << 20;
  static final Duration KEEP = Duration.ofMinutes(10);

  /** The request as the cache keys it: SHA-256 of the body and the encoding asked for. */
  record Key(ByteBuffer digest) {}

  private final Cache<Key, byte[]> streams = Caffeine.newBuilder()
      .maximumWeight(MAX_TOTAL_BYTES)
      .weigher((Key k, byte[] v) -> v.length)
      .expireAfterWrite(KEEP)
      .build();

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

  /** The stream sent for an identical request, or null. */
  byte[] getOrNull(Key key) {
    return streams.getIfPresent(key);
  }

  /**
   * Wraps the response body: what passes through is also kept, up to the size limit; call
   * {@link Recorder#keep()} once the stream ended normally.
   */
  Recorder record(Key key, OutputStream body) {
    return new Recorder(key, body);
  }

  /** Passes bytes on and keeps a copy until the stream outgrows {@link #MAX_STREAM_BYTES}. */
  final class Recorder extends FilterOutputStream {
    private final Key key;
    private ByteArrayOutputStream copy = new ByteArrayOutputStream(64 << 10);

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
      if (copy != null) {
        if (copy.size() + len > MAX_STREAM_BYTES) {
          copy = null; // a whole version: not worth holding
        } else {
          copy.write(b, off, len);
        }
      }
    }

    /** The stream ended normally: later identical requests get these bytes. */
    void keep() {
      if (copy != null) {
        streams.put(key, copy.toByteArray());
        copy = null;
      }
    }
  }
}
