package org.casfs.cas;

import java.io.IOException;

/** A problem with one named object. The message names the object and says what to do. */
public abstract class ObjectException extends IOException {
  private static final long serialVersionUID = 1L;
  private final ObjectId id;

  protected ObjectException(ObjectId id, String message) {
    super(message);
    this.id = id;
  }

  /** The object concerned; may be null when the bytes were never named. */
  public ObjectId id() {
    return id;
  }
}
