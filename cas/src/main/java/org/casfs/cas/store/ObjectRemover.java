package org.casfs.cas.store;

import java.io.IOException;
import org.casfs.cas.ObjectId;

/** The remove role, for gc only. */
public interface ObjectRemover {
  /** Removes the object; returns whether it was there. */
  boolean remove(ObjectId id) throws IOException;
}
