package org.casfs.cas.store;

import java.io.IOException;

/** The enumerate role: every object, in ascending id order (so two stores merge as sorted streams). */
public interface ObjectEnumerator {
  /** Visits each object's info until the visitor returns false. */
  void forEach(Visitor visitor) throws IOException;

  @FunctionalInterface
  interface Visitor {
    boolean visit(ObjectInfo info) throws IOException;
  }
}
