package org.casfs.sync.delta;

import java.util.Map;
import java.util.Set;

/**
 * What the planner found for one file: the size each engine's delta had (engines that did not
 * run, or were abandoned, are absent), the engines abandoned because their delta grew past what
 * could be kept, the zstd-compressed whole blob for comparison, and the chosen delta, or null if
 * none was clearly smaller than the compressed blob.
 */
public record FileDelta(FilePair pair, Map<DeltaEngine, Integer> sizes, Set<DeltaEngine> abandoned,
    long wholeCompressed, byte[] chosenOrNull, DeltaEngine chosenEngineOrNull, long nanos) {
  /** The bytes this file costs on the wire: the delta if one was kept, else the compressed blob. */
  public long wireBytes() {
    return chosenOrNull != null ? chosenOrNull.length : wholeCompressed;
  }
}
