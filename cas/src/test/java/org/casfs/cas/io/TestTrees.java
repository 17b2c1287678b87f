package org.casfs.cas.io;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.casfs.cas.posix.Posix;

/**
 * Builds fixture trees on the real file system, with every case an image can hold: names are
 * given as UTF-8 strings or as raw bytes (for names that are not UTF-8). Needs root for owners,
 * devices and trusted/security xattrs. Directory mtimes set before their children are made get
 * overwritten by the kernel: call {@link #mtime} for directories last. Not thread-safe. Shared
 * with other modules' tests through the cas test-jar.
 */
public final class TestTrees {
  /** {@code security.capability} granting cap_net_raw, effective and permitted (VFS_CAP v2). */
  public static final byte[] CAP_NET_RAW = {1, 0, 0, 2, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};

  private final byte[] root;

  private TestTrees(byte[] root) {
    this.root = root;
  }

  /** Builds in {@code dir} (created if absent). */
  public static TestTrees at(Path dir) throws IOException {
    Files.createDirectories(dir);
    return new TestTrees(Posix.bytes(dir.toAbsolutePath()));
  }

  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The absolute path of {@code rel}. */
  public byte[] path(byte[] rel) {
    return Posix.join(root, rel);
  }

  public byte[] path(String rel) {
    return path(utf8(rel));
  }

  public TestTrees dir(String rel) throws IOException {
    return dir(utf8(rel));
  }

  public TestTrees dir(byte[] rel) throws IOException {
    Posix.mkdir(path(rel), 0755);
    return this;
  }

  public TestTrees file(String rel, byte[] content) throws IOException {
    return file(utf8(rel), content);
  }

  public TestTrees file(String rel, String content) throws IOException {
    return file(utf8(rel), utf8(content));
  }

  public TestTrees file(byte[] rel, byte[] content) throws IOException {
    byte[] p = path(rel);
    int fd = Posix.createNew(p, 0644);
    try {
      Posix.writeFully(fd, content, 0, content.length, p);
    } finally {
      Posix.close(fd, p);
    }
    Posix.chmod(p, 0644);
    return this;
  }

  /** A file of {@code size} pseudo-random bytes from {@code seed}. */
  public TestTrees randomFile(String rel, int size, long seed) throws IOException {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return file(rel, b);
  }

  /** A sparse file: {@code size} bytes, all a hole except {@code tail} at the end. */
  public TestTrees sparseFile(String rel, long size, byte[] tail) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(new String(path(rel), StandardCharsets.UTF_8), "rw")) {
      f.setLength(size);
      f.seek(size - tail.length);
      f.write(tail);
    }
    return this;
  }

  public TestTrees symlink(String rel, String target) throws IOException {
    return symlink(utf8(rel), utf8(target));
  }

  public TestTrees symlink(byte[] rel, byte[] target) throws IOException {
    Posix.symlink(target, path(rel));
    return this;
  }

  public TestTrees hardlink(String existingRel, String rel) throws IOException {
    Posix.link(path(existingRel), path(rel));
    return this;
  }

  public TestTrees fifo(String rel) throws IOException {
    Posix.mknod(path(rel), 0010644, 0);
    return chmod(rel, 0644);
  }

  public TestTrees socket(String rel) throws IOException {
    Posix.mknod(path(rel), 0140755, 0);
    return chmod(rel, 0755);
  }

  public TestTrees charDevice(String rel, int major, int minor) throws IOException {
    Posix.mknod(path(rel), 0020666, Posix.makedev(major, minor));
    return chmod(rel, 0666);
  }

  public TestTrees blockDevice(String rel, int major, int minor) throws IOException {
    Posix.mknod(path(rel), 0060660, Posix.makedev(major, minor));
    return chmod(rel, 0660);
  }

  public TestTrees chmod(String rel, int mode) throws IOException {
    Posix.chmod(path(rel), mode);
    return this;
  }

  public TestTrees chown(String rel, long uid, long gid) throws IOException {
    Posix.lchown(path(rel), uid, gid);
    return this;
  }

  public TestTrees xattr(String rel, String name, byte[] value) throws IOException {
    Posix.setXattr(path(rel), name, value);
    return this;
  }

  public TestTrees mtime(String rel, long nanos) throws IOException {
    return mtime(utf8(rel), nanos);
  }

  public TestTrees mtime(byte[] rel, long nanos) throws IOException {
    Posix.setMtime(path(rel), nanos);
    return this;
  }

  /**
   * A POSIX access ACL in the kernel's xattr format: owner {@code rw-}, one named user with
   * {@code r--}, group and mask {@code r--}, other {@code ---} (mode 0640 agrees with it).
   */
  public static byte[] aclUserRead(int uid) {
    ByteBuffer b = ByteBuffer.allocate(4 + 5 * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(2);
    b.putShort((short) 0x01).putShort((short) 6).putInt(-1);
    b.putShort((short) 0x02).putShort((short) 4).putInt(uid);
    b.putShort((short) 0x04).putShort((short) 4).putInt(-1);
    b.putShort((short) 0x10).putShort((short) 4).putInt(-1);
    b.putShort((short) 0x20).putShort((short) 0).putInt(-1);
    return b.array();
  }

  /**
   * The generated tree of issue 2: every file type and metadata case, odd names (spaces,
   * newlines, non-UTF-8 bytes, 255 bytes), empty files, files read into memory (100 KB) and
   * streamed (5 MiB, over {@code BlobImporter.SMALL}), hardlinks of several types, xattrs of
   * every namespace, devices, fifos, sockets.
   */
  public static void everyCase(Path dir) throws IOException {
    TestTrees t = at(dir);
    t.file("empty", new byte[0]).file("hello.txt", "hello\n")
        .randomFile("random-100k", 100_000, 1).randomFile("random-5m", 5 << 20, 2)
        .randomFile("random-5m-copy", 5 << 20, 2).file("dup-a", "same").file("dup-b", "same");
    t.file("setuid", "#!/bin/sh\n").chmod("setuid", 04755);
    t.file("setgid", "g").chmod("setgid", 02711);
    t.file("suid-sgid-sticky", "x").chmod("suid-sgid-sticky", 07755);
    t.file("no-perms", "none").chmod("no-perms", 0);
    t.file("owned", "o").chown("owned", 1000, 1000).chmod("owned", 04750);
    t.file("big-ids", "b").chown("big-ids", 200000, 4294967294L);
    t.file("capable", "cap").chmod("capable", 0755).xattr("capable", "security.capability", CAP_NET_RAW);
    t.file("xattrs", "x").xattr("xattrs", "user.comment", utf8("a comment"))
        .xattr("xattrs", "trusted.secret", new byte[] {0, 1, 2, (byte) 255})
        .xattr("xattrs", "user.empty", new byte[0]);
    byte[] all = new byte[256];
    for (int i = 0; i < 256; i++) {
      all[i] = (byte) i;
    }
    t.xattr("xattrs", "user.binary", all);
    t.file("acl", "acl").chmod("acl", 0640).xattr("acl", "system.posix_acl_access", aclUserRead(4321));
    t.file("with space", " ").file("new\nline", "\n").file("tab\there", "\t").file("-rf", "dash")
        .file("ünïcødé", "u").file("x".repeat(255), "long name");
    t.file(new byte[] {'b', 'a', 'd', (byte) 0xff, (byte) 0xfe, (byte) 0x80}, utf8("not utf-8"));
    t.dir(new byte[] {'d', (byte) 0xe9, 'j', (byte) 0xe0});
    t.file(new byte[] {'d', (byte) 0xe9, 'j', (byte) 0xe0, '/', (byte) 0xc3, (byte) 0x28}, utf8("inside"));
    t.symlink("link-rel", "hello.txt").symlink("link-abs", "/etc/passwd").symlink("link-dangling", "nowhere/at/all")
        .symlink("link-long", "y/".repeat(1000)).symlink(utf8("link-bad"), new byte[] {'t', (byte) 0xff, '\n'});
    t.chown("link-rel", 33, 44).mtime("link-rel", 1_000_000_000_123_456_789L)
        .xattr("link-abs", "trusted.on-a-link", utf8("yes"));
    t.dir("links").dir("links/a").dir("links/b");
    t.file("links/a/one", "linked content").hardlink("links/a/one", "links/b/two").hardlink("links/a/one", "links/three");
    t.chmod("links/a/one", 0600).chown("links/a/one", 7, 8).xattr("links/three", "user.k", utf8("v"));
    t.file("links/b/zz-pair", "pair").hardlink("links/b/zz-pair", "links/a/zz-pair");
    t.fifo("links/fifo1").hardlink("links/fifo1", "links/fifo2");
    t.symlink("links/sym1", "target").hardlink("links/sym1", "links/sym2");
    t.dir("dev").charDevice("dev/null", 1, 3).blockDevice("dev/loop0", 7, 0)
        .charDevice("dev/big", 300, 70000).fifo("dev/fifo").socket("dev/socket");
    t.chown("dev/null", 0, 5).xattr("dev/loop0", "trusted.dev", utf8("d"));
    t.dir("empty-dir").dir("sticky").chmod("sticky", 01777).dir("private").chmod("private", 0700)
        .chown("private", 1234, 5678).dir("readonly").file("readonly/f", "r").chmod("readonly", 0555)
        .dir("setgid-dir").chmod("setgid-dir", 02775);
    t.xattr("private", "user.dir-attr", utf8("on a dir"))
        .xattr("sticky", "system.posix_acl_default", aclUserRead(99));
    t.file("old", "1969").mtime("old", -1_500_000_000L).file("ns", "n").mtime("ns", 1_234_567_890_123_456_789L);
    long time = 1_600_000_000_000_000_001L;
    for (String d : List.of("links/a", "links/b", "links", "dev", "empty-dir", "sticky", "private", "readonly",
        "setgid-dir")) {
      t.mtime(d, time += 1_000_000_007L);
    }
    t.mtime(new byte[] {'d', (byte) 0xe9, 'j', (byte) 0xe0}, 1);
    t.chmod("", 0751);
    t.mtime("", 1_700_000_000_987_654_321L);
  }

  /** Sorted relative names of a directory's entries, for tests that check listings. */
  public static List<String> names(Path dir) throws IOException {
    List<String> out = new ArrayList<>();
    for (byte[] n : Posix.list(Posix.bytes(dir))) {
      out.add(new String(n, StandardCharsets.ISO_8859_1));
    }
    out.sort(null);
    return out;
  }
}
