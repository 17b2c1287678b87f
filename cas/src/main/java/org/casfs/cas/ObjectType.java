package org.casfs.cas;

/** What an object's bytes are. The code is stored in the object index. */
public enum ObjectType {
  BLOB(1),
  TREE(2),
  MANIFEST(3);

  private final int code;

  ObjectType(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The type with this code, or null for an unknown code. */
  public static ObjectType fromCodeOrNull(int code) {
    for (ObjectType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    return null;
  }
}
