package org.casfs.fs;

import java.nio.file.FileSystemException;

/** A file operation on a directory ({@code EISDIR}). */
public final class IsDirectoryException extends FileSystemException {
  private static final long serialVersionUID = 1L;

  public IsDirectoryException(String path) {
    super(path, null, "is a directory");
  }
}
