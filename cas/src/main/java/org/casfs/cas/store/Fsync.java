package org.casfs.cas.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** fsync of files and directories (a directory must be synced for a rename in it to be durable). */
public final class Fsync {
  private Fsync() {}

  public static void file(Path file) throws IOException {
    force(file);
  }

  public static void directory(Path dir) throws IOException {
    force(dir);
  }

  /**
   * fsync, and a failure of the disk names the file: the JDK's says only "Input/output error". An
   * interrupt (ClosedByInterruptException) is passed on as it is.
   */
  private static void force(Path path) throws IOException {
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      try {
        ch.force(true);
      } catch (IOException e) {
        if (e.getClass() != IOException.class) {
          throw e;
        }
        throw new IOException("fsync " + path + ": " + e.getMessage(), e);
      }
    }
  }
}
