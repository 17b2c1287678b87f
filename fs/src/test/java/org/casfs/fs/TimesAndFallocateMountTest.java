package org.casfs.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.casfs.cas.ObjectId;
import org.casfs.txn.Versions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * utimensat through a writable mount honours UTIME_OMIT and UTIME_NOW for each time on its own
 * (touch -a leaves the mtime alone, touch -m and touch set it to now), fallocate(fd, 0, off,
 * len) extends a file with zeros as posix_fallocate does (it was EOPNOTSUPP), and the ctime
 * shows each change (utimes, chmod, rename), across a remount too, where it showed the mtime.
 */
class TimesAndFallocateMountTest {
  @TempDir Path tmp;

  private static final String TIMES = String.join("\n",
      "import os, sys, time",
      "f = sys.argv[1]",
      "os.utime(f, ns=(5_000_000_000, 1_000_000_123))",
      "print(os.stat(f).st_mtime_ns)",
      "os.utime(f, ns=(7_000_000_000, 1_000_000_123))",
      "print(os.stat(f).st_mtime_ns)",
      "import ctypes",
      "libc = ctypes.CDLL(None, use_errno=True)",
      "class TS(ctypes.Structure): _fields_ = [('s', ctypes.c_long), ('ns', ctypes.c_long)]",
      "OMIT, NOW = (1 << 30) - 2, (1 << 30) - 1",
      "def utimens(a, m):",
      "    ts = (TS * 2)(TS(*a), TS(*m))",
      "    assert libc.utimensat(-100, f.encode(), ts, 0) == 0, ctypes.get_errno()",
      "utimens((0, NOW), (0, OMIT))",
      "print(os.stat(f).st_mtime_ns)",
      "utimens((9, 0), (0, OMIT))",
      "print(os.stat(f).st_mtime_ns)",
      "before = time.time_ns()",
      "utimens((0, OMIT), (0, NOW))",
      "print(os.stat(f).st_mtime_ns >= before - 2_000_000_000)",
      "utimens((0, OMIT), (3, 4))",
      "print(os.stat(f).st_mtime_ns)",
      "fd = os.open(f, os.O_RDWR)",
      "libc.fallocate.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_long, ctypes.c_long]",
      "print(libc.fallocate(fd, 0, 0, 65536) == 0 or ctypes.get_errno())",
      "os.close(fd)",
      "print(os.stat(f).st_size)",
      "print(open(f, 'rb').read() == b'abc' + bytes(65533))");

  @Test
  void eachTimeOnItsOwnAndFallocateExtends() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("f"), "abc");
    try (MountedRepo m = new MountedRepo(tmp)) {
      m.mountWritable(src, MountOptions.defaults().withCacheSeconds(0));
      XattrFeaturesMountTest.Run r = XattrFeaturesMountTest.run("python3", "-c", TIMES,
          m.mountPoint.resolve("f").toString());
      assertThat(r.out().split("\n")).as(r.out()).containsExactly(
          "1000000123", "1000000123", "1000000123", "1000000123", "True", "3000000004", "True", "65536", "True");
    }
  }

  @Test
  void theCtimeShowsEachChangeAndOutlivesARemount() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("f"), "f");
    Files.writeString(src.resolve("g"), "g");
    Files.setLastModifiedTime(src.resolve("g"), FileTime.fromMillis(2_000));
    MountOptions rw = MountOptions.defaults().withWritable(true).withCacheSeconds(0);
    try (MountedRepo m = new MountedRepo(tmp)) {
      ObjectId base = m.importDir(src);
      Versions versions = Versions.of(m.repo);
      m.mountImage(versions, base, rw);
      Path g = m.mountPoint.resolve("g");
      assertThat(nanos(g, "ctime")).as("a file the transaction has not changed").isEqualTo(2_000_000_000L);

      Path f = m.mountPoint.resolve("f");
      long before = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis() - 2_000);
      Files.setLastModifiedTime(f, FileTime.fromMillis(1_000));
      assertThat(nanos(f, "lastModifiedTime")).isEqualTo(1_000_000_000L);
      long utimed = nanos(f, "ctime");
      assertThat(utimed).as("utimes changes the ctime").isGreaterThan(before);
      Thread.sleep(20);
      Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
      long chmodded = nanos(f, "ctime");
      assertThat(chmodded).as("chmod changes the ctime").isGreaterThan(utimed);
      assertThat(nanos(f, "lastModifiedTime")).as("and not the mtime").isEqualTo(1_000_000_000L);
      Thread.sleep(20);
      Path h = Files.move(f, m.mountPoint.resolve("h"));
      long renamed = nanos(h, "ctime");
      assertThat(renamed).as("rename changes the ctime").isGreaterThan(chmodded);
      m.unmount();

      m.mountImage(versions, null, rw); // the transaction outlives the mount
      assertThat(nanos(h, "ctime")).as("after a remount: the journal's times").isEqualTo(renamed);
      assertThat(nanos(g, "ctime")).isEqualTo(2_000_000_000L);
      m.unmount();

      ObjectId next = versions.transactions().openOrNull().commit("changed").manifest();
      m.mountImage(versions, next, rw);
      assertThat(nanos(h, "ctime")).as("a version keeps the mtime only").isEqualTo(1_000_000_000L);
    }
  }

  /** A time of {@code path} ("ctime", "lastModifiedTime") in nanoseconds since the epoch. */
  private static long nanos(Path path, String time) throws Exception {
    Instant t = ((FileTime) Files.getAttribute(path, "unix:" + time, LinkOption.NOFOLLOW_LINKS)).toInstant();
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }
}
