package org.casfs.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.casfs.cas.InodeNumbers;
import org.casfs.cas.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read-only server without a mount: requests built as the kernel sends them, replies decoded
 * as the kernel reads them. Listings resumed from every offset, reads at random offsets, the
 * errors, hardlinks as one node, forgetting.
 */
class ImageServerTest {
  @TempDir Path tmp;
  private long unique;

  /** A served request's reply: its errno (0 for none) and its payload after the header. */
  record Reply(int errno, ByteBuffer body) {}

  Reply call(ImageServer s, int opcode, long node, byte[] body) {
    ByteBuffer in = ByteBuffer.allocate(FuseWire.IN_HEADER + body.length).order(ByteOrder.LITTLE_ENDIAN);
    in.putInt(0, in.capacity()).putInt(4, opcode).putLong(8, ++unique).putLong(16, node);
    in.put(FuseWire.IN_HEADER, body);
    ByteBuffer out = ByteBuffer.allocate(132 * 1024).order(ByteOrder.LITTLE_ENDIAN);
    int n = s.serve(in, in.capacity(), out);
    if (n == 0) {
      return null;
    }
    assertThat(out.getInt(0)).isEqualTo(n);
    assertThat(out.getLong(8)).isEqualTo(unique);
    return new Reply(-out.getInt(4), out.slice(FuseWire.OUT_HEADER, n - FuseWire.OUT_HEADER).order(ByteOrder.LITTLE_ENDIAN));
  }

  static byte[] name(String n) {
    byte[] b = n.getBytes(StandardCharsets.UTF_8);
    return Arrays.copyOf(b, b.length + 1);
  }

  static byte[] readIn(long offset, int size) {
    ByteBuffer b = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(8, offset).putInt(16, size);
    return b.array();
  }

  long lookup(ImageServer s, long parent, String n) {
    Reply r = call(s, FuseOpcodes.LOOKUP, parent, name(n));
    assertThat(r.errno()).as("lookup " + n).isZero();
    return r.body().getLong(0);
  }

  /** The attr's ino and nlink of node {@code id}. */
  long[] inoAndNlink(ImageServer s, long id) {
    Reply r = call(s, FuseOpcodes.GETATTR, id, new byte[16]);
    assertThat(r.errno()).isZero();
    return new long[] {r.body().getLong(16), r.body().getInt(16 + 64)};
  }

  ImageServer server(MountedRepo m, ObjectId v) throws Exception {
    SnapshotImage img = new SnapshotImage(m.snapshot(v), new BlobVerifier(10), null, m.log::add);
    return new ImageServer(img, m.log::add);
  }

  @Test
  void listingsResumeFromEveryOffsetWithoutLossOrRepeat() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src/dir"));
    for (int i = 0; i < 103; i++) {
      Files.writeString(src.resolve("n" + i), "" + i);
    }
    Files.createDirectory(src.resolve("sub"));
    try (MountedRepo m = new MountedRepo(tmp)) {
      ImageServer s = server(m, m.importDir(tmp.resolve("src")));
      long dir = lookup(s, FuseWire.ROOT_NODE, "dir");
      List<String> all = new ArrayList<>();
      long subIno = 0;
      long offset = 0;
      int calls = 0;
      while (true) {
        ByteBuffer b = call(s, FuseOpcodes.READDIR, dir, readIn(offset, 7 * 32)).body();
        if (!b.hasRemaining()) {
          break;
        }
        calls++;
        while (b.hasRemaining()) {
          long ino = b.getLong(b.position());
          offset = b.getLong(b.position() + 8);
          int len = b.getInt(b.position() + 16);
          byte[] n = new byte[len];
          b.get(b.position() + FuseWire.DIRENT, n);
          String name = new String(n, StandardCharsets.UTF_8);
          all.add(name);
          if (name.equals("sub")) {
            subIno = ino;
            assertThat(b.getInt(b.position() + 20)).as("DT_DIR").isEqualTo(4);
          }
          b.position(b.position() + FuseWire.direntSize(len));
        }
      }
      assertThat(calls).isEqualTo(16);
      assertThat(all).hasSize(106).doesNotHaveDuplicates().startsWith(".", "..").contains("n0", "n102", "sub");
      assertThat(subIno).isEqualTo(inoAndNlink(s, lookup(s, dir, "sub"))[0]).isEqualTo(InodeNumbers.ofPath("/dir/sub"));
      assertThat(inoAndNlink(s, dir)[1]).as("nlink of dir").isEqualTo(3);
      assertThat(inoAndNlink(s, FuseWire.ROOT_NODE)[0]).isEqualTo(InodeNumbers.ROOT);
    }
  }

  /** One READDIR call: the names and the offset to go on from. */
  List<String> listOnce(ImageServer s, long node, long offset, int size, long[] next) {
    ByteBuffer b = call(s, FuseOpcodes.READDIR, node, readIn(offset, size)).body();
    List<String> names = new ArrayList<>();
    while (b.hasRemaining()) {
      int p = b.position();
      next[0] = b.getLong(p + 8);
      byte[] n = new byte[b.getInt(p + 16)];
      b.get(p + FuseWire.DIRENT, n);
      names.add(new String(n, StandardCharsets.UTF_8));
      b.position(p + FuseWire.direntSize(n.length));
    }
    return names;
  }

  @Test
  void aRootListingGoesOnInTheVersionItBeganInAcrossASwitch() throws Exception {
    Path a = Files.createDirectories(tmp.resolve("a"));
    Path b = Files.createDirectories(tmp.resolve("b"));
    for (int i = 0; i < 30; i++) {
      Files.writeString(a.resolve("a" + i), "a");
      Files.writeString(b.resolve("b" + i), "b");
    }
    try (MountedRepo m = new MountedRepo(tmp)) {
      ObjectId va = m.importDir(a);
      ObjectId vb = m.importDir(b);
      SnapshotImage img = new SnapshotImage(m.snapshot(va), new BlobVerifier(10), null, m.log::add);
      ImageServer s = new ImageServer(img, m.log::add);
      long[] next = new long[1];
      List<String> first = listOnce(s, FuseWire.ROOT_NODE, 0, 10 * 32, next);
      assertThat(first).hasSize(10).startsWith(".", "..", "a0");
      img.switchTo(m.snapshot(vb));
      List<String> rest = new ArrayList<>();
      while (true) {
        List<String> more = listOnce(s, FuseWire.ROOT_NODE, next[0], 10 * 32, next);
        if (more.isEmpty()) {
          break;
        }
        rest.addAll(more);
      }
      assertThat(rest).as("the rest of the listing that began in version a").hasSize(22)
          .allSatisfy(n -> assertThat(n).startsWith("a"));
      List<String> fresh = listOnce(s, FuseWire.ROOT_NODE, 0, 64 * 1024, next);
      assertThat(fresh).as("a new listing: the version shown").hasSize(32).contains("b0", "b29").doesNotContain("a0");
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
      ImageServer s = server(m, m.importDir(src));
      long small = lookup(s, FuseWire.ROOT_NODE, "small");
      long f = lookup(s, FuseWire.ROOT_NODE, "big");
      Reply tail = call(s, FuseOpcodes.READ, small, readIn(8, 64));
      assertThat(StandardCharsets.UTF_8.decode(tail.body()).toString()).isEqualTo("89");
      assertThat(call(s, FuseOpcodes.READ, small, readIn(10, 5)).body().remaining()).isZero();
      assertThat(call(s, FuseOpcodes.READ, small, readIn(Long.MAX_VALUE / 2, 5)).body().remaining()).isZero();
      for (int i = 0; i < 200; i++) {
        long off = r.nextInt(big.length + 1000);
        int size = 1 + r.nextInt(128 * 1024);
        ByteBuffer got = call(s, FuseOpcodes.READ, f, readIn(off, size)).body();
        int want = (int) Math.max(0, Math.min(size, big.length - off));
        assertThat(got.remaining()).as("seed %d offset %d", seed, off).isEqualTo(want);
        byte[] bytes = new byte[want];
        got.get(bytes);
        int from = (int) Math.min(off, big.length);
        assertThat(bytes).as("seed %d offset %d", seed, off).isEqualTo(Arrays.copyOfRange(big, from, from + want));
      }
      // a hardlink group is one node, one inode number, nlink 2
      assertThat(lookup(s, FuseWire.ROOT_NODE, "big2")).isEqualTo(f);
      assertThat(inoAndNlink(s, f)[1]).isEqualTo(2);
      assertThat(inoAndNlink(s, small)[0]).isEqualTo(InodeNumbers.ofPath("/small"));
    }
  }

  @Test
  void errorsAreTheKernelsAndForgottenNodesGo() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src/dir"));
    Files.writeString(src.resolve("f"), "x");
    try (MountedRepo m = new MountedRepo(tmp)) {
      ImageServer s = server(m, m.importDir(tmp.resolve("src")));
      Reply missing = call(s, FuseOpcodes.LOOKUP, FuseWire.ROOT_NODE, name("nope"));
      assertThat(missing.errno()).isZero();
      assertThat(missing.body().getLong(0)).as("a negative entry, cached like any other").isZero();
      assertThat(missing.body().getLong(16)).isEqualTo(ImageServer.FOREVER_SECONDS);
      long dir = lookup(s, FuseWire.ROOT_NODE, "dir");
      long f = lookup(s, dir, "f");
      assertThat(call(s, FuseOpcodes.LOOKUP, f, name("x")).errno()).isEqualTo(Errno.ENOTDIR);
      assertThat(call(s, FuseOpcodes.READ, dir, readIn(0, 10)).errno()).isEqualTo(Errno.EISDIR);
      assertThat(call(s, FuseOpcodes.READLINK, f, new byte[0]).errno()).isEqualTo(Errno.EINVAL);
      for (int op : new int[] {FuseOpcodes.SETATTR, FuseOpcodes.MKDIR, FuseOpcodes.UNLINK, FuseOpcodes.RENAME,
          FuseOpcodes.WRITE, FuseOpcodes.CREATE, FuseOpcodes.SETXATTR, FuseOpcodes.TMPFILE}) {
        assertThat(call(s, op, dir, new byte[64]).errno()).as("opcode " + op).isEqualTo(Errno.EROFS);
      }
      assertThat(call(s, 999, dir, new byte[8]).errno()).isEqualTo(Errno.ENOSYS);
      assertThat(call(s, FuseOpcodes.ACCESS, f, new byte[] {2, 0, 0, 0, 0, 0, 0, 0}).errno()).isEqualTo(Errno.EROFS);
      assertThat(call(s, FuseOpcodes.GETXATTR, f, new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 'u', '.', 'x', 0}).errno())
          .isEqualTo(Errno.ENODATA);
      assertThat(s.nodesHeld()).isEqualTo(2);
      byte[] once = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1).array();
      assertThat(call(s, FuseOpcodes.FORGET, f, once)).as("FORGET takes no reply").isNull();
      assertThat(s.nodesHeld()).isEqualTo(1);
      assertThat(call(s, FuseOpcodes.GETATTR, f, new byte[16]).errno()).isEqualTo(Errno.ENOENT);
      assertThat(lookup(s, dir, "f")).as("a new node id once forgotten").isNotEqualTo(f);
      assertThat(m.log).isEmpty();
    }
  }

  static byte[] init(int minor, int flags) {
    ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0, 7).putInt(4, minor).putInt(8, 128 * 1024).putInt(12, flags);
    return b.array();
  }

  @Test
  void initAsksOnlyWhatTheKernelOffersAndOpensFollowIt() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("f"), "x");
    try (MountedRepo m = new MountedRepo(tmp)) {
      ObjectId v = m.importDir(src);
      ImageServer modern = server(m, v);
      int offered = FuseWire.ASYNC_READ | FuseWire.CACHE_SYMLINKS | FuseWire.NO_OPEN_SUPPORT
          | FuseWire.NO_OPENDIR_SUPPORT | (1 << 12); // and FUSE_AUTO_INVAL_DATA, which casfs does not want
      ByteBuffer r = call(modern, FuseOpcodes.INIT, 0, init(38, offered)).body();
      assertThat(r.getInt(0)).isEqualTo(7);
      assertThat(r.getInt(4)).as("minor: ours, not the kernel's newer one").isEqualTo(FuseWire.MINOR);
      assertThat(r.getInt(12)).isEqualTo(FuseWire.ASYNC_READ | FuseWire.CACHE_SYMLINKS);
      assertThat(call(modern, FuseOpcodes.OPEN, 2, new byte[8]).errno()).isEqualTo(Errno.ENOSYS);
      assertThat(call(modern, FuseOpcodes.OPENDIR, 1, new byte[8]).errno()).isEqualTo(Errno.ENOSYS);

      ImageServer old = server(m, v);
      assertThat(call(old, FuseOpcodes.INIT, 0, init(26, FuseWire.ASYNC_READ)).body().getInt(4)).isEqualTo(26);
      Reply open = call(old, FuseOpcodes.OPEN, 2, new byte[8]);
      assertThat(open.errno()).isZero();
      assertThat(open.body().getInt(8)).as("open_flags").isEqualTo(FuseWire.FOPEN_KEEP_CACHE);
      assertThat(call(old, FuseOpcodes.OPENDIR, 1, new byte[8]).body().getInt(8))
          .isEqualTo(FuseWire.FOPEN_KEEP_CACHE | FuseWire.FOPEN_CACHE_DIR);

      assertThat(call(server(m, v), FuseOpcodes.INIT, 0, init(22, 0)).errno()).as("too old a kernel")
          .isEqualTo(71);
      assertThat(m.log).singleElement().asString().contains("7.22");
    }
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
