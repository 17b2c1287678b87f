package org.casfs.tools.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LockProbe against the real /proc/locks: a lock this JVM holds is seen, and only that one. */
class LockProbeTest {
  @TempDir Path dir;

  @Test
  void seesALockHeldOnTheFileAndNoneOnAnother() throws Exception {
    Path locked = Files.createFile(dir.resolve("locked"));
    Path free = Files.createFile(dir.resolve("free"));
    try (FileChannel ch = FileChannel.open(locked, StandardOpenOption.WRITE);
        FileLock lock = ch.lock()) {
      assertTrue(LockProbe.isLocked(locked), "the held lock is listed in /proc/locks");
      assertFalse(LockProbe.isLocked(free), "a file next to it is not locked");
    }
    assertFalse(LockProbe.isLocked(locked), "released");
  }

  @Test
  void aFileThatIsGoneIsNotLocked() {
    assertFalse(LockProbe.isLocked(dir.resolve("missing")));
  }

  @Test
  void hexHasAtLeastTwoDigitsLikePrintf() {
    for (long n : new long[] {0, 1, 0xf, 0x10, 0x2d, 0xff, 0x100, 0xfff, 259, 0x12345}) {
      assertEquals(String.format("%02x", n), LockProbe.hex2(n), "n = " + n);
    }
  }
}
