package org.casfs.cas.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.casfs.cas.posix.Posix;

/**
 * Room kept for the day the repository's disk fills up: {@code REPO/reserve}, a file of {@value
 * #BYTES} bytes with blocks of its own. At 0 bytes free RocksDB cannot open the database at all
 * (even an open writes a new manifest and options file), so nothing that frees space could run:
 * not {@code casfs gc}, and not the laptop's {@code casfs mount} at boot. The processes that free
 * space or must run ({@code gc}, the daemons) delete this file when they find the disk full and
 * open with the room it gave back; any other command opens the repository for reading only. The
 * file is made again once the disk has room ({@link #keep}: at every open that can write, and
 * after a gc), the way a database keeps an emergency ballast file. Made under a
 * temporary name and renamed, so a crash leaves a whole reserve or none.
 */
final class SpaceReserve {
  static final String FILE = "reserve";
  static final long BYTES = 32L << 20;
  /** The name the reserve is made under, before it is renamed to {@link #FILE}. */
  static final String MAKING = FILE + ".new";

  private SpaceReserve() {}

  /** The bytes the reserve holds now: {@link #BYTES}, or 0 while there is none. */
  static long bytes(Path repoDir) {
    try {
      Path reserve = repoDir.resolve(FILE);
      return Files.isRegularFile(reserve) ? Files.size(reserve) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  /** Deletes the reserve, giving its room back; false if there was none. */
  static boolean release(Path repoDir) throws IOException {
    return Files.deleteIfExists(repoDir.resolve(FILE));
  }

  /**
   * Makes the reserve if it is missing and the disk has room for twice its size (it must not take
   * the last room there is). Best effort: a failure leaves no reserve, and the next try makes it.
   */
  static void keep(Path repoDir) {
    Path reserve = repoDir.resolve(FILE);
    Path making = repoDir.resolve(MAKING);
    try {
      if (Files.isRegularFile(reserve) && Files.size(reserve) == BYTES) {
        return;
      }
      if (Files.getFileStore(repoDir).getUsableSpace() < 2 * BYTES) {
        return;
      }
      Files.deleteIfExists(making);
      byte[] path = Posix.bytes(making);
      int fd = Posix.createNew(path, 0600);
      try {
        Posix.allocate(fd, BYTES, path);
      } finally {
        Posix.close(fd, path);
      }
      Posix.rename(path, Posix.bytes(reserve));
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(making);
      } catch (IOException ignored) {
        // the next keep() deletes it
      }
    }
  }
}
