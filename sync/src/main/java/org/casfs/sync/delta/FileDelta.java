package org.casfs.sync.delta;

import java.util.Map;

/**
 * What the planner found for one file: the size each engine's delta had (engines that did not
 * run are absent), the zstd-compressed whole blob for comparison, and the chosen delta, or null
 * if none was clearly smaller than the compressed blob.
 */
public record FileDelta(FilePair pair, Map<DeltaEngine, Integer> sizes, long wholeCompressed, byte[] chosenOrNull,
    DeltaEngine chosenEngineOrNull, long nanos) {
  /** The bytes this file costs on the wire: the delta if one was kept, else the compressed blob. */
  public long wireBytes() {
    return chosenOrNull != null ? chosenOrNull.length : wholeCompressed;
  }
}
