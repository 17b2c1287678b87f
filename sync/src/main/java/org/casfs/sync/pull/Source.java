package org.casfs.sync.pull;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import org.casfs.cas.ObjectId;
import org.casfs.sync.wire.FetchRequest;

/**
 * Somewhere versions can be pulled from: a casfs server or peer, a static mirror over HTTP, or a
 * mirror directory (a USB stick). Everything a source returns is untrusted; the {@link Puller}
 * verifies it. Implementations must be thread-safe (objects are fetched in parallel).
 */
public interface Source extends Closeable {
  /** A short name for messages (the URL or directory). */
  String name();

  /** The bytes of the source's signed head (bounded by the caller). */
  byte[] head() throws IOException;

  /**
   * One stream of the objects the request asks for ({@code POST /v1/fetch}), already
   * decompressed, or null if this source cannot stream (a static mirror).
   */
  InputStream openFetchOrNull(FetchRequest request) throws IOException;

  /**
   * One object's bytes from {@code offset} on, or throws {@link java.io.FileNotFoundException}
   * if the source does not have it.
   */
  InputStream openObject(ObjectId id, long offset) throws IOException;

  /**
   * The delta {@code {old}-{new}} this source publishes ({@code GET /v1/deltas/{old}-{new}}, a
   * mirror folder's {@code v1/deltas/}), or null if it has none or only one over {@code maxBytes}.
   * As untrusted as anything else: the caller applies it with full verification.
   */
  default byte[] deltaOrNull(ObjectId oldBlob, ObjectId newBlob, int maxBytes) throws IOException {
    return null;
  }

  /**
   * Tells the source it is the only one left for this pull. A slow source is dropped so that a
   * faster one gets the work (TUF's slow-retrieval defence); with none left, dropping it would only
   * make an update impossible over a poor link, so from now on it is held to the much lower
   * {@link PullConfig#lastSourceMinBytesPerSecond}. Sources without a rate floor ignore it.
   */
  default void onlySourceLeft() {}

  /**
   * True for a folder on this machine (a USB stick): an object that ends early there is a file cut
   * short, not a transfer a dropped link broke.
   */
  default boolean local() {
    return false;
  }

  /** Bytes received from this source so far, as they crossed the wire (compressed). */
  long bytesReceived();

  /** Requests made to this source so far. */
  long requests();

  @Override
  default void close() throws IOException {}
}
