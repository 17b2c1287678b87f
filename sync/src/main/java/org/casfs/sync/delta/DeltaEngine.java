package org.casfs.sync.delta;

/**
 * The delta engines, each with the one-byte id it has in the {@link DeltaHeader}. Ids are part
 * of the format: never renumber one, only add.
 */
public enum DeltaEngine {
  /** zstd with the old blob (or a window of it) loaded as a raw-content dictionary; any size. */
  ZSTD(1, "zstd"),
  /** bsdiff (jbsdiff) with zstd-compressed blocks; small and medium files only (memory). */
  BSDIFF(2, "bsdiff"),
  /** Blocks of the old blob copied where the new one repeats them, at any offset; any size. */
  BLOCKS(3, "blocks");

  private final int id;
  private final String label;

  DeltaEngine(int id, String label) {
    this.id = id;
    this.label = label;
  }

  public int id() {
    return id;
  }

  public String label() {
    return label;
  }

  /** The engine with this header id, or null. */
  public static DeltaEngine fromIdOrNull(int id) {
    for (DeltaEngine e : values()) {
      if (e.id == id) {
        return e;
      }
    }
    return null;
  }
}
