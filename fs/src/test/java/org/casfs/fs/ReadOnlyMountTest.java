package org.casfs.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.casfs.cas.ObjectId;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A generated tree imported into a real repository and mounted read-only with FUSE. */
class ReadOnlyMountTest {
  @TempDir Path tmp;

  static Path source(Path tmp) throws IOException {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Random r = new Random(42);
    for (int size : new int[] {0, 1, 4095, 16 * 1024, 16 * 1024 + 1, 200_000, 5_000_003}) {
      byte[] b = new byte[size];
      r.nextBytes(b);
      Files.write(src.resolve("f" + size), b);
    }
    Files.writeString(src.resolve("hello.txt"), "hello casfs\n");
    Files.setLastModifiedTime(src.resolve("hello.txt"), FileTime.fromMillis(1_600_000_000_123L));
    Files.createLink(src.resolve("hard2"), src.resolve("hello.txt"));
    Files.createSymbolicLink(src.resolve("link"), Path.of("hello.txt"));
    Path big = Files.createDirectories(src.resolve("big/dir"));
    for (int i = 0; i < 5000; i++) {
      Files.writeString(big.resolve(String.format("entry-with-a-longish-name-%05d", i)), "x" + i);
    }
    Path suid = Files.writeString(src.resolve("suid"), "#!/bin/sh\n");
    run("chmod", "4755", suid.toString());
    Path sticky = Files.createDirectories(src.resolve("sticky"));
    run("chmod", "1777", sticky.toString());
    run("chown", "1234:5678", src.resolve("hello.txt").toString());
    run("mkfifo", src.resolve("fifo").toString());
    UserDefinedFileAttributeView v = Files.getFileAttributeView(src.resolve("f1"), UserDefinedFileAttributeView.class);
    v.write("casfs.test", ByteBuffer.wrap("value-1".getBytes(StandardCharsets.UTF_8)));
    return src;
  }

  static String run(String... cmd) throws IOException {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int rc = p.waitFor();
      if (rc != 0) {
        throw new IOException(String.join(" ", cmd) + " failed (" + rc + "): " + out);
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  @Test
  void mountedTreeReadsLikeTheSource() throws Exception {
    Path src = source(tmp);
    try (MountedRepo m = new MountedRepo(tmp)) {
      ObjectId v = m.importDir(src);
      m.mount(v, MountOptions.defaults());
      Path mnt = m.mountPoint;

      for (String f : new String[] {"f0", "f1", "f4095", "f16384", "f16385", "f200000", "f5000003", "hello.txt"}) {
        assertThat(Files.readAllBytes(mnt.resolve(f))).as(f).isEqualTo(Files.readAllBytes(src.resolve(f)));
      }
      // owners, modes with all bits, ns mtimes, hardlinks sharing one inode
      for (String f : new String[] {"hello.txt", "suid", "sticky", "big/dir", "link", "fifo", "f5000003"}) {
        Map<String, Object> a = new java.util.HashMap<>(Files.readAttributes(src.resolve(f), "unix:mode,uid,gid,size,nlink,lastModifiedTime",
            LinkOption.NOFOLLOW_LINKS));
        Map<String, Object> b = new java.util.HashMap<>(Files.readAttributes(mnt.resolve(f), "unix:mode,uid,gid,size,nlink,lastModifiedTime",
            LinkOption.NOFOLLOW_LINKS));
        b.keySet().retainAll(a.keySet());
        if (f.equals("sticky") || f.equals("big/dir")) {
          a.remove("size");
          b.remove("size");
        }
        assertThat(b).as(f).isEqualTo(a);
      }
      Object ino1 = Files.getAttribute(mnt.resolve("hello.txt"), "unix:ino");
      Object ino2 = Files.getAttribute(mnt.resolve("hard2"), "unix:ino");
      assertThat(ino1).isEqualTo(ino2);
      assertThat(Files.getAttribute(mnt.resolve("f1"), "unix:ino")).isNotEqualTo(ino1);
      assertThat(Files.readSymbolicLink(mnt.resolve("link"))).isEqualTo(Path.of("hello.txt"));
      // a large directory lists completely through several readdir calls
      try (Stream<Path> s = Files.list(mnt.resolve("big/dir"))) {
        Set<String> names = s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        assertThat(names).hasSize(5000).contains("entry-with-a-longish-name-00000", "entry-with-a-longish-name-04999");
      }
      // reads at and past the end
      try (RandomAccessFile raf = new RandomAccessFile(mnt.resolve("f5000003").toFile(), "r")) {
        byte[] buf = new byte[10];
        raf.seek(5_000_000);
        assertThat(raf.read(buf)).isEqualTo(3);
        raf.seek(6_000_000);
        assertThat(raf.read(buf)).isEqualTo(-1);
      }
      // xattrs
      assertThat(run("getfattr", "--absolute-names", "--only-values", "-n", "user.casfs.test", mnt.resolve("f1").toString()))
          .isEqualTo("value-1");
      assertThat(run("getfattr", "--absolute-names", "-d", mnt.resolve("hello.txt").toString())).isEmpty();
      // statfs answers
      assertThat(run("stat", "-f", "-c", "%l", mnt.toString()).strip()).isEqualTo("255");
      // every change is refused with EROFS
      assertThatThrownBy(() -> Files.writeString(mnt.resolve("new"), "x")).isInstanceOf(FileSystemException.class)
          .hasMessageContaining("Read-only file system");
      assertThatThrownBy(() -> Files.writeString(mnt.resolve("hello.txt"), "x"))
          .isInstanceOf(FileSystemException.class).hasMessageContaining("Read-only file system");
      assertThatThrownBy(() -> Files.createDirectory(mnt.resolve("d"))).hasMessageContaining("Read-only file system");
      assertThatThrownBy(() -> Files.delete(mnt.resolve("f1"))).hasMessageContaining("Read-only file system");
      assertThatThrownBy(() -> Files.setPosixFilePermissions(mnt.resolve("f1"), PosixFilePermissions.fromString("rwx------")))
          .hasMessageContaining("Read-only file system");
      assertThatThrownBy(() -> Files.move(mnt.resolve("f1"), mnt.resolve("f2")))
          .hasMessageContaining("Read-only file system");
      assertThat(m.log).isEmpty();
      assertThat(AccessDeniedException.class).isNotNull();
    }
  }
}
