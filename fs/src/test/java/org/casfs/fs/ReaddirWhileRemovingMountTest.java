package org.casfs.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Listing a writable mount's directory while removing what was listed misses nothing: Python's
 * scandir-and-unlink of 3,000 files leaves none (it left 1,022 when readdir offsets were indexes
 * into the changing listing), {@code shutil.rmtree} removes a whole tree, and {@code
 * seekdir(telldir())} returns to the same entry after an earlier one was removed.
 */
class ReaddirWhileRemovingMountTest {
  @TempDir Path tmp;

  private static final String SCAN_AND_UNLINK = String.join("\n",
      "import os, sys",
      "for e in os.scandir(sys.argv[1]):",
      "    os.unlink(e.path)",
      "print(len(os.listdir(sys.argv[1])))");

  private static final String RMTREE = String.join("\n",
      "import shutil, sys",
      "shutil.rmtree(sys.argv[1])");

  private static final String SEEKDIR = String.join("\n",
      "import ctypes, os, sys",
      "libc = ctypes.CDLL(None, use_errno=True)",
      "class Dirent(ctypes.Structure):",
      "    _fields_ = [('d_ino', ctypes.c_uint64), ('d_off', ctypes.c_int64), ('d_reclen', ctypes.c_ushort),",
      "                ('d_type', ctypes.c_ubyte), ('d_name', ctypes.c_char * 256)]",
      "libc.opendir.restype = ctypes.c_void_p",
      "libc.readdir.restype = ctypes.POINTER(Dirent)",
      "libc.readdir.argtypes = [ctypes.c_void_p]",
      "libc.telldir.restype = ctypes.c_long",
      "libc.telldir.argtypes = [ctypes.c_void_p]",
      "libc.seekdir.argtypes = [ctypes.c_void_p, ctypes.c_long]",
      "d = libc.opendir(sys.argv[1].encode())",
      "names = []",
      "while len(names) < 10:",
      "    n = libc.readdir(d).contents.d_name.decode()",
      "    if n not in ('.', '..'): names.append(n)",
      "pos = libc.telldir(d)",
      "want = libc.readdir(d).contents.d_name.decode()",
      "os.unlink(os.path.join(sys.argv[1], names[3]))",
      "libc.seekdir(d, pos)",
      "got = libc.readdir(d).contents.d_name.decode()",
      "print(want, got)");

  @Test
  void listingWhileRemovingMissesNothing() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("keep"), "keep\n");
    try (MountedRepo m = new MountedRepo(tmp)) {
      m.mountWritable(src, MountOptions.defaults());
      Path many = Files.createDirectories(m.mountPoint.resolve("many"));
      for (int i = 0; i < 3000; i++) {
        Files.writeString(many.resolve(String.format("file-%05d", i)), "x");
      }
      XattrFeaturesMountTest.Run scan = XattrFeaturesMountTest.run("python3", "-c", SCAN_AND_UNLINK, many.toString());
      assertThat(scan.out().trim()).as(scan.out()).isEqualTo("0");

      Path tree = m.mountPoint.resolve("tree");
      for (int d = 0; d < 20; d++) {
        Path dir = Files.createDirectories(tree.resolve("d" + d).resolve("sub"));
        for (int i = 0; i < 60; i++) {
          Files.writeString(dir.resolve("f" + i), "y");
          Files.writeString(dir.getParent().resolve("g" + i), "z");
        }
      }
      XattrFeaturesMountTest.Run rm = XattrFeaturesMountTest.run("python3", "-c", RMTREE, tree.toString());
      assertThat(rm.code()).as(rm.out()).isZero();
      assertThat(Files.exists(tree)).isFalse();

      Path seek = Files.createDirectories(m.mountPoint.resolve("seek"));
      for (int i = 0; i < 40; i++) {
        Files.writeString(seek.resolve(String.format("e%02d", i)), "s");
      }
      XattrFeaturesMountTest.Run s = XattrFeaturesMountTest.run("python3", "-c", SEEKDIR, seek.toString());
      String[] wantGot = s.out().trim().split(" ");
      assertThat(wantGot).as(s.out()).hasSize(2);
      assertThat(wantGot[1]).as("seekdir(telldir()) after an earlier entry was removed").isEqualTo(wantGot[0]);
    }
  }
}
