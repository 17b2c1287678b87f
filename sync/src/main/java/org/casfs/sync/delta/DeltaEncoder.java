package org.casfs.sync.delta;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Computes the body of a delta that turns one blob into another, with one engine. Implementations
 * are stateless and thread-safe; each call allocates its own working memory, which stays under
 * {@link #encodeMemory(long, long)}.
 */
public interface DeltaEncoder {
  DeltaEngine engine();

  /** True if this encoder handles blobs of these sizes within its memory bound. */
  boolean accepts(long oldSize, long newSize);

  /** Peak working memory (heap and native) of one {@link #encode}, in bytes, for these sizes. */
  long encodeMemory(long oldSize, long newSize);

  /**
   * Writes the delta body (without the {@link DeltaHeader}) to {@code out}.
   *
   * @throws IllegalArgumentException if {@link #accepts} is false for these sizes
   */
  void encode(BlobSource oldBlob, BlobSource newBlob, OutputStream out) throws IOException;
}
