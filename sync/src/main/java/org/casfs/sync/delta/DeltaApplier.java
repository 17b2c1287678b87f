package org.casfs.sync.delta;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Rebuilds a blob from its old version and a delta body written by the matching
 * {@link DeltaEncoder}. The body is hostile input: an applier never writes more than
 * {@code newSize} bytes, allocates memory only within its stated bound, and reports a body it
 * cannot use as a {@link DeltaFormatException} (never an exception from deep inside a library).
 * Appliers do not verify the result; {@link Deltas#apply} does. Stateless and thread-safe.
 */
public interface DeltaApplier {
  DeltaEngine engine();

  /** Peak working memory of one {@link #apply}, in bytes, for these sizes. */
  long applyMemory(long oldSize, long newSize);

  /**
   * Reads the body from {@code body} and writes exactly {@code newSize} bytes to {@code out}.
   *
   * @throws DeltaFormatException if the body is malformed or does not fit these sizes
   * @throws IOException if reading the old blob or the body, or writing out, fails
   */
  void apply(BlobSource oldBlob, InputStream body, long newSize, OutputStream out) throws IOException;
}
