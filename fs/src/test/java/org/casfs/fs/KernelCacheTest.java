package org.casfs.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.casfs.cas.ObjectId;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A read-only mount lets the kernel cache names and attributes for long, and still shows a switch
 * within a second: the switch makes the kernel look every name up again. Closing files sends no
 * FLUSH after the first.
 */
class KernelCacheTest {
  private static final int LOOKUP = 1;
  private static final int GETATTR = 3;
  private static final int FLUSH = 25;

  @TempDir Path tmp;

  static Path version(Path dir, String f, String only) throws Exception {
    Path d = Files.createDirectories(dir.resolve("dir"));
    Files.writeString(d.resolve("f"), f);
    Files.writeString(d.resolve(only), only);
    return dir;
  }

  static long msUntil(Callable<Boolean> condition) throws Exception {
    long start = System.nanoTime();
    while (System.nanoTime() - start < 5_000_000_000L) {
      if (condition.call()) {
        return (System.nanoTime() - start) / 1_000_000;
      }
      Thread.sleep(10);
    }
    return -1;
  }

  @Test
  void namesAndAttributesStayCachedYetASwitchShowsWithinASecond() throws Exception {
    try (MountedRepo m = new MountedRepo(tmp)) {
      ObjectId a = m.importDir(version(tmp.resolve("a"), "one", "gone"));
      ObjectId b = m.importDir(version(tmp.resolve("b"), "three", "new"));
      m.mount(a, MountOptions.defaults());
      Assumptions.assumeTrue(m.mount.cachesLong(), "this kernel cannot be told of switches (Linux < 6.16)");
      Path f = m.mountPoint.resolve("dir/f");
      Path gone = m.mountPoint.resolve("dir/gone");
      Path added = m.mountPoint.resolve("dir/new");

      assertThat(Files.size(f)).isEqualTo(3);
      assertThat(Files.exists(added, LinkOption.NOFOLLOW_LINKS)).isFalse();
      assertThat(Files.exists(gone, LinkOption.NOFOLLOW_LINKS)).isTrue();
      assertThat(Files.readString(f)).isEqualTo("one");
      Thread.sleep(1500); // past the short timeout: a long one keeps everything
      long[] before = m.mount.requestCounts();
      for (int i = 0; i < 20; i++) {
        assertThat(Files.size(f)).isEqualTo(3);
        assertThat(Files.exists(gone, LinkOption.NOFOLLOW_LINKS)).isTrue();
        assertThat(Files.exists(added, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(Files.readString(f)).isEqualTo("one");
      }
      long[] after = m.mount.requestCounts();
      assertThat(after[LOOKUP] - before[LOOKUP]).as("lookups while cached").isZero();
      assertThat(after[GETATTR] - before[GETATTR]).as("getattrs while cached").isZero();
      assertThat(after[FLUSH]).as("flushes for 20+ closes").isLessThanOrEqualTo(1);

      try (FileChannel old = FileChannel.open(f)) {
        m.image.switchTo(m.snapshot(b));
        assertThat(msUntil(() -> Files.size(f) == 5 && Files.readString(f).equals("three")
            && Files.exists(added, LinkOption.NOFOLLOW_LINKS) && !Files.exists(gone, LinkOption.NOFOLLOW_LINKS)))
            .as("ms until the switch showed").isBetween(0L, 1000L);
        // The reader of the old version still gets its own bytes and its own end.
        ByteBuffer buf = ByteBuffer.allocate(64);
        while (old.read(buf) > 0) {
          // to the end
        }
        buf.flip();
        assertThat(StandardCharsets.UTF_8.decode(buf).toString()).isEqualTo("one");
      }
      // Its read past its end cut the kernel's size of dir/f; closing it makes the kernel refetch.
      assertThat(msUntil(() -> Files.size(f) == 5)).as("ms until the size was right again").isBetween(0L, 1000L);
      assertThat(Files.readString(f)).isEqualTo("three");
      assertThat(Files.getLastModifiedTime(m.mountPoint)).isNotNull();
    }
  }
}
