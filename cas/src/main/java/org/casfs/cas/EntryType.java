package org.casfs.cas;

/** The file type of a tree entry, with its code in the tree encoding and its {@code S_IFMT} bits. */
public enum EntryType {
  REGULAR(1, 0100000),
  DIRECTORY(2, 0040000),
  SYMLINK(3, 0120000),
  CHAR_DEVICE(4, 0020000),
  BLOCK_DEVICE(5, 0060000),
  FIFO(6, 0010000),
  SOCKET(7, 0140000);

  private final int code;
  private final int modeBits;

  EntryType(int code, int modeBits) {
    this.code = code;
    this.modeBits = modeBits;
  }

  public int code() {
    return code;
  }

  /** The {@code S_IFMT} part of {@code st_mode} for this type. */
  public int modeBits() {
    return modeBits;
  }

  /** True for types whose entry points at a child object (a blob or a tree). */
  public boolean hasChildObject() {
    return this == REGULAR || this == DIRECTORY;
  }

  public boolean isDevice() {
    return this == CHAR_DEVICE || this == BLOCK_DEVICE;
  }

  public static EntryType fromCodeOrNull(int code) {
    for (EntryType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    return null;
  }

  /** The type of an {@code st_mode}, or null if its {@code S_IFMT} bits are unknown. */
  public static EntryType fromModeOrNull(int stMode) {
    int fmt = stMode & 0170000;
    for (EntryType t : values()) {
      if (t.modeBits == fmt) {
        return t;
      }
    }
    return null;
  }
}
