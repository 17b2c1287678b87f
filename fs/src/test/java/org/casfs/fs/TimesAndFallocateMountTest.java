package org.casfs.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.casfs.cas.ObjectId;
import org.casfs.txn.Versions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * utimensat through a writable mount honours UTIME_OMIT and UTIME_NOW for each time on its own
 * (touch -a leaves the mtime alone, touch -m and touch set it to now), and fallocate(fd, 0, off,
 * len) extends a file with zeros as posix_fallocate does (it was EOPNOTSUPP).
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
      ObjectId base = m.importDir(src);
      m.mountImage(Versions.of(m.repo), base, MountOptions.defaults().withWritable(true).withCacheSeconds(0));
      XattrFeaturesMountTest.Run r = XattrFeaturesMountTest.run("python3", "-c", TIMES,
          m.mountPoint.resolve("f").toString());
      assertThat(r.out().split("\n")).as(r.out()).containsExactly(
          "1000000123", "1000000123", "1000000123", "1000000123", "True", "3000000004", "True", "65536", "True");
    }
  }
}
