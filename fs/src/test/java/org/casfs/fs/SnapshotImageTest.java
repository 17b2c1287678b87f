package org.casfs.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.casfs.cas.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mount's core without a mount: listings, range reads, inodes, versions. */
class SnapshotImageTest {
  @TempDir Path tmp;

  static String str(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  static byte[] p(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void readdirResumesFromEveryOffsetWithoutLossOrRepeat() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src/dir"));
    for (int i = 0; i < 103; i++) {
      Files.writeString(src.resolve("n" + i), "" + i);
    }
    Files.createDirectory(src.resolve("sub"));
    try (MountedRepo m = new MountedRepo(tmp)) {
      ObjectId v = m.importDir(tmp.resolve("src"));
      SnapshotImage img = new SnapshotImage(m.snapshot(v), new BlobVerifier(10), null, m.log::add);
      DirListing d = img.opendir(p("/dir"));
      assertThat(d.size()).isEqualTo(106);
      List<String> all = new ArrayList<>();
      long offset = 0;
      int calls = 0;
      while (true) {
        List<DirEntry> got = new ArrayList<>();
        img.readdir(d, offset, e -> got.size() < 7 && got.add(e));
        if (got.isEmpty()) {
          break;
        }
        got.forEach(e -> all.add(str(e.name())));
        offset = got.get(got.size() - 1).nextOffset();
        calls++;
      }
      assertThat(calls).isEqualTo(16);
      assertThat(all).hasSize(106).doesNotHaveDuplicates().startsWith(".", "..").contains("n0", "n102", "sub");
      List<DirEntry> sub = new ArrayList<>();
      img.readdir(d, 0, sub::add);
      DirEntry subEntry = sub.stream().filter(e -> str(e.name()).equals("sub")).findFirst().orElseThrow();
      assertThat(subEntry.attr().isDirectory()).isTrue();
      assertThat(subEntry.attr().ino()).isEqualTo(img.getattr(p("/dir/sub")).ino());
      assertThat(img.getattr(p("/dir")).nlink()).isEqualTo(3);
      assertThat(img.getattr(p("/")).ino()).isEqualTo(InodeNumbers.ROOT);
      assertThatThrownBy(() -> img.opendir(p("/dir/n1"))).isInstanceOf(NotDirectoryException.class);
      assertThatThrownBy(() -> img.getattr(p("/nope"))).isInstanceOf(NoSuchFileException.class);
      assertThatThrownBy(() -> img.open(p("/dir"))).isInstanceOf(IsDirectoryException.class);
    }
  }

  @Test
  void readsAreClampedAndMatchTheSourceAtRandomOffsets() throws Exception {
    long seed = System.nanoTime();
    Random r = new Random(seed);
    Path src = Files.createDirectories(tmp.resolve("src"));
    byte[] big = new byte[3_000_017];
    r.nextBytes(big);
    Files.write(src.resolve("big"), big);
    Files.writeString(src.resolve("small"), "0123456789");
    Files.createLink(src.resolve("big2"), src.resolve("big"));
    try (MountedRepo m = new MountedRepo(tmp)) {
      ObjectId v = m.importDir(src);
      SnapshotImage img = new SnapshotImage(m.snapshot(v), new BlobVerifier(10), null, m.log::add);
      try (OpenFile small = img.open(p("/small")); OpenFile f = img.open(p("/big"))) {
        ByteBuffer b = ByteBuffer.allocate(64);
        assertThat(small.read(8, b)).isEqualTo(2);
        assertThat(str(Arrays.copyOf(b.array(), 2))).isEqualTo("89");
        assertThat(small.read(10, ByteBuffer.allocate(5))).isZero();
        assertThat(small.read(Long.MAX_VALUE / 2, ByteBuffer.allocate(5))).isZero();
        for (int i = 0; i < 200; i++) {
          long off = r.nextInt(big.length + 1000);
          ByteBuffer dst = r.nextBoolean() ? ByteBuffer.allocateDirect(1 + r.nextInt(200_000))
              : ByteBuffer.allocate(1 + r.nextInt(200_000));
          int n = f.read(off, dst);
          int want = (int) Math.max(0, Math.min(dst.capacity(), big.length - off));
          assertThat(n).as("seed %d offset %d", seed, off).isEqualTo(want);
          byte[] got = new byte[n];
          dst.flip().get(got);
          assertThat(got).as("seed %d offset %d", seed, off)
              .isEqualTo(Arrays.copyOfRange(big, (int) Math.min(off, big.length), (int) Math.min(off, big.length) + n));
        }
      }
      assertThat(img.getattr(p("/big")).ino()).isEqualTo(img.getattr(p("/big2")).ino());
      assertThat(img.getattr(p("/big")).nlink()).isEqualTo(2);
      assertThat(img.getattr(p("/small")).ino()).isEqualTo(InodeNumbers.ofPath("/small"));
    }
  }

  @Test
  void openHandlesAndListingsKeepTheirVersionAcrossASwitch() throws Exception {
    Path a = Files.createDirectories(tmp.resolve("a"));
    Files.writeString(a.resolve("f"), "version a");
    Path b = Files.createDirectories(tmp.resolve("b"));
    Files.writeString(b.resolve("f"), "version b, longer");
    Files.writeString(b.resolve("added"), "new");
    try (MountedRepo m = new MountedRepo(tmp)) {
      ObjectId va = m.importDir(a);
      ObjectId vb = m.importDir(b);
      SnapshotImage img = new SnapshotImage(m.snapshot(va), new BlobVerifier(10), null, m.log::add);
      OpenFile old = img.open(p("/f"));
      DirListing oldDir = img.opendir(p("/"));
      assertThat(img.switchedWithin(1_000_000_000L)).isFalse();
      img.switchTo(m.snapshot(vb));
      assertThat(img.switchedWithin(1_000_000_000L)).isTrue();
      ByteBuffer buf = ByteBuffer.allocate(100);
      old.read(0, buf);
      assertThat(str(Arrays.copyOf(buf.array(), buf.position()))).isEqualTo("version a");
      List<String> names = new ArrayList<>();
      img.readdir(oldDir, 2, e -> names.add(str(e.name())));
      assertThat(names).containsExactly("f");
      assertThat(img.getattr(p("/f")).size()).isEqualTo(17);
      assertThat(img.getattr(p("/added")).size()).isEqualTo(3);
      old.close();
    }
  }

  @Test
  void pageCachePolicyKeepsPagesOnlyWhileAPathKeepsItsBlob() {
    PageCachePolicy p = new PageCachePolicy(2, 0);
    ObjectId a = ObjectId.fromString("a".repeat(40));
    ObjectId b = ObjectId.fromString("b".repeat(40));
    byte[] f = p("/f");
    assertThat(p.opened(f, a, false)).isEqualTo(PageCachePolicy.Mode.INVALIDATE);
    assertThat(p.opened(f, a, false)).isEqualTo(PageCachePolicy.Mode.KEEP);
    // a reader of a still holds the file: b must not share its pages
    assertThat(p.opened(f, b, false)).isEqualTo(PageCachePolicy.Mode.DIRECT);
    // the two readers of a are older readers; only the second to close is the last one
    assertThat(p.isLastOlderReader(f, b)).isFalse();
    assertThat(p.isLastOlderReader(f, a)).isFalse();
    p.released(f, a);
    assertThat(p.isLastOlderReader(f, a)).isTrue();
    p.released(f, a);
    assertThat(p.isLastOlderReader(f, b)).isFalse();
    p.released(f, b);
    // right after a switch the kernel may still clip reads to a's size
    assertThat(p.opened(f, b, true)).isEqualTo(PageCachePolicy.Mode.DIRECT);
    p.released(f, b);
    assertThat(p.opened(f, b, false)).isEqualTo(PageCachePolicy.Mode.INVALIDATE);
    assertThat(p.opened(f, b, true)).isEqualTo(PageCachePolicy.Mode.KEEP);

    // after the last reader of an older blob closes, the path stays unsettled for a while
    PageCachePolicy slow = new PageCachePolicy(2, 60_000_000_000L);
    assertThat(slow.opened(f, a, false)).isEqualTo(PageCachePolicy.Mode.INVALIDATE);
    assertThat(slow.opened(f, b, false)).isEqualTo(PageCachePolicy.Mode.DIRECT);
    slow.released(f, a);
    assertThat(slow.opened(f, b, false)).isEqualTo(PageCachePolicy.Mode.DIRECT);
  }

  @Test
  void inodeNumbersAreStableAndNeverReserved() {
    assertThat(InodeNumbers.ofPath("/")).isEqualTo(1);
    assertThat(InodeNumbers.ofPath("/usr/bin")).isEqualTo(InodeNumbers.ofPath("usr/bin/"))
        .isNotEqualTo(InodeNumbers.ofPath("/usr/bi"));
    for (int i = 0; i < 10_000; i++) {
      assertThat(InodeNumbers.ofPath("/f" + i)).isGreaterThan(1);
      assertThat(InodeNumbers.ofLinkGroup(i)).isGreaterThan(1);
    }
    assertThat(InodeNumbers.ofLinkGroup(7)).isEqualTo(InodeNumbers.ofLinkGroup(7)).isNotEqualTo(InodeNumbers.ofLinkGroup(8));
  }
}
