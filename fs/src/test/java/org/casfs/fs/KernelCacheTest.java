package org.casfs.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.Callable;
import org.casfs.cas.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A read-only mount lets the kernel cache names, attributes, pages, listings and symlink targets
 * for good, and still shows a switch at once: nodes are named by content, so a switch only makes
 * the kernel look up the root's changed names again. Closing files sends no FLUSH after the first.
 */
class KernelCacheTest {
  private static final int LOOKUP = 1;
  private static final int GETATTR = 3;
  private static final int OPEN = 14;
  private static final int RELEASE = 18;
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
      Path f = m.mountPoint.resolve("dir/f");
      Path gone = m.mountPoint.resolve("dir/gone");
      Path added = m.mountPoint.resolve("dir/new");

      assertThat(Files.size(f)).isEqualTo(3);
      assertThat(Files.exists(added, LinkOption.NOFOLLOW_LINKS)).isFalse();
      assertThat(Files.exists(gone, LinkOption.NOFOLLOW_LINKS)).isTrue();
      assertThat(Files.readString(f)).isEqualTo("one");
      Thread.sleep(1500); // past any short timeout: nothing here expires
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
      // The old reader's node is not the new version's: its size never clipped the new file.
      assertThat(Files.size(f)).isEqualTo(5);
      assertThat(Files.readString(f)).isEqualTo("three");
      assertThat(Files.getLastModifiedTime(m.mountPoint)).isNotNull();
    }
  }

  /** Reads every file and symlink and lists every directory under {@code root}. */
  static long walk(Path root) throws Exception {
    long bytes = 0;
    try (var paths = Files.walk(root)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        if (Files.isSymbolicLink(p)) {
          bytes += Files.readSymbolicLink(p).toString().length();
        } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          bytes += Files.readAllBytes(p).length;
        }
      }
    }
    return bytes;
  }

  static long total(long[] counts) {
    return java.util.Arrays.stream(counts).sum();
  }

  @Test
  void aWarmWalkAsksNothingAndASwitchKeepsWhatItDidNotChange() throws Exception {
    Path a = version(tmp.resolve("a"), "one", "gone");
    Path b = version(tmp.resolve("b"), "three", "new");
    Path keep = Files.createDirectories(a.resolve("keep/deep"));
    for (int i = 0; i < 30; i++) {
      Files.writeString(keep.resolve("k" + i), "kept " + i);
    }
    Files.createSymbolicLink(keep.resolve("link"), Path.of("k1"));
    Files.write(a.resolve("keep/big"), new byte[300_000]);
    // the same subtree in both versions, times and all
    assertThat(new ProcessBuilder("cp", "-a", a.resolve("keep").toString(), b.toString()).start().waitFor()).isZero();
    Files.writeString(a.resolve("top-a"), "a");
    Files.writeString(b.resolve("top-b"), "b");
    try (MountedRepo m = new MountedRepo(tmp)) {
      ObjectId va = m.importDir(a);
      ObjectId vb = m.importDir(b);
      m.mount(va, MountOptions.defaults());
      long bytes = walk(m.mountPoint);
      long[] cold = m.mount.requestCounts();
      assertThat(walk(m.mountPoint)).isEqualTo(bytes);
      long[] warm = m.mount.requestCounts();
      assertThat(total(warm) - total(cold)).as("requests of a warm walk: " + FuseOpcodes.describe(warm)).isZero();
      assertThat(cold[OPEN] + cold[FuseOpcodes.OPENDIR]).as("opens asked (ENOSYS once each)").isLessThanOrEqualTo(2);

      m.image.switchTo(m.snapshot(vb));
      try (var top = Files.list(m.mountPoint)) {
        assertThat(top.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly("dir", "keep", "top-b");
      }
      long[] switched = m.mount.requestCounts();
      assertThat(Files.readString(m.mountPoint.resolve("dir/f"))).isEqualTo("three");
      assertThat(Files.readString(m.mountPoint.resolve("keep/deep/k7"))).isEqualTo("kept 7");
      assertThat(Files.readSymbolicLink(m.mountPoint.resolve("keep/deep/link"))).isEqualTo(Path.of("k1"));
      assertThat(Files.size(m.mountPoint.resolve("keep/big"))).isEqualTo(300_000);
      long[] after = m.mount.requestCounts();
      // "keep" is looked up again (a root name), finds the node it had, and nothing under it is asked
      assertThat(after[LOOKUP] - switched[LOOKUP]).as("lookups after the switch").isLessThanOrEqualTo(3);
      assertThat(after[FuseOpcodes.READ] - switched[FuseOpcodes.READ]).as("reads of dir/f only").isEqualTo(1);
      assertThat(after[FuseOpcodes.READLINK] - switched[FuseOpcodes.READLINK]).isZero();
      assertThat(m.log).isEmpty();
    }
  }

  @Test
  void aPinnedMountIsReadWithoutOpensAndRefusesToSwitch() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src/dir"));
    byte[] big = new byte[3 * 1024 * 1024 + 17];
    new Random(7).nextBytes(big);
    Files.write(src.resolve("big"), big);
    byte[] bad = new byte[300_000];
    new Random(8).nextBytes(bad);
    Files.write(src.resolve("bad"), bad);
    for (int i = 0; i < 50; i++) {
      Files.writeString(src.resolve("small" + i), "file " + i);
    }
    try (MountedRepo m = new MountedRepo(tmp)) {
      ObjectId v = m.importDir(tmp.resolve("src"));
      ObjectId other = m.importDir(version(tmp.resolve("b"), "three", "new"));
      ObjectId badBlob = m.snapshot(v).lookup("/dir/bad").childId();
      Path loose = m.repo.objects().loosePathOrNull(badBlob);
      loose.toFile().setWritable(true);
      try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(loose.toFile(), "rw")) {
        f.seek(123_456);
        int x = f.read();
        f.seek(123_456);
        f.write(x ^ 0x01);
      }
      m.image = new SnapshotImage(m.snapshot(v), new BlobVerifier(100), m.repo.dir(), m.log::add);
      m.image.pin();
      m.mount = NodeMount.mount(m.image, m.mountPoint, MountOptions.defaults(), m.log::add);
      for (int round = 0; round < 3; round++) {
        assertThat(Files.readAllBytes(m.mountPoint.resolve("dir/big"))).isEqualTo(big);
        for (int i = 0; i < 50; i++) {
          assertThat(Files.readString(m.mountPoint.resolve("dir/small" + i))).isEqualTo("file " + i);
        }
        // reads at an offset, past the end, and across it
        try (FileChannel ch = FileChannel.open(m.mountPoint.resolve("dir/big"))) {
          ByteBuffer b = ByteBuffer.allocate(100);
          assertThat(ch.read(b, big.length - 10)).isEqualTo(10);
          assertThat(ch.read(ByteBuffer.allocate(10), big.length + 5)).isEqualTo(-1);
        }
      }
      // a damaged blob: EIO on every read of that file only, one line naming it
      for (int i = 0; i < 2; i++) {
        assertThatThrownBy(() -> Files.readAllBytes(m.mountPoint.resolve("dir/bad")))
            .isInstanceOf(java.io.IOException.class).hasMessageContaining("Input/output error");
      }
      assertThat(Files.readAllBytes(m.mountPoint.resolve("dir/big"))).isEqualTo(big);
      assertThat(m.log).isNotEmpty().allSatisfy(line -> assertThat(line).contains(badBlob.name()).contains("/dir/bad"));
      m.log.clear();
      long[] n = m.mount.requestCounts();
      assertThat(n[OPEN]).as("opens for 150+ opens of files").isLessThanOrEqualTo(1);
      assertThat(n[RELEASE]).as("releases").isZero();
      assertThatThrownBy(() -> m.image.switchTo(m.snapshot(other))).isInstanceOf(IllegalStateException.class);
      assertThat(m.image.current().id()).isEqualTo(v);
      assertThat(m.log).isEmpty();
    }
  }
}
