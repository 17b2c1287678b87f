package org.casfs.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.casfs.cas.Entry;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.Snapshot;
import org.casfs.txn.Versions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file unlinked or replaced by rename while open through a writable mount (dpkg replacing a
 * library a running program has mapped) stays readable and writable through its descriptor, page
 * faults of a mapping included, before and after a commit; and it leaves no trace: no
 * {@code .fuse_hidden*} name in listings or in the committed version, and its directory can be
 * removed at once. (libfuse 2 without {@code hard_remove} renamed such files to
 * {@code .fuse_hiddenN}, which the commit then kept.)
 */
class OpenUnlinkedFileMountTest {
  @TempDir Path tmp;

  /** A running program: maps a file whole, waits for a line on stdin, then pages it all in. */
  private static final String MAP_AND_HASH = String.join("\n",
      "import hashlib, mmap, sys",
      "f = open(sys.argv[1], 'rb')",
      "m = mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ)",
      "print('mapped', flush=True)",
      "sys.stdin.readline()",
      "print(hashlib.sha1(m[:]).hexdigest(), flush=True)");

  private static String sha1(byte[] b) throws Exception {
    return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-1").digest(b));
  }

  private static byte[] pattern(int size, int seed) {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = (byte) (i * 31 + seed);
    }
    return b;
  }

  private static byte[] readAll(FileChannel ch) throws Exception {
    ByteBuffer buf = ByteBuffer.allocate((int) ch.size());
    while (buf.hasRemaining() && ch.read(buf, buf.position()) > 0) {
      // read on
    }
    return buf.array();
  }

  private static void assertNoHiddenNames(Snapshot v, String dir) throws Exception {
    for (Entry e : v.tree(v.lookup(dir)).entries()) {
      String name = e.name().printable();
      assertThat(name).as(dir + "/" + name).doesNotStartWith(".fuse_hidden");
      if (e.isDirectory()) {
        assertNoHiddenNames(v, (dir.equals("/") ? "" : dir) + "/" + name);
      }
    }
  }

  @Test
  void openFilesOutliveTheirNamesAndLeaveNothingBehind() throws Exception {
    byte[] oldLib = pattern(3 << 20, 1);
    byte[] newLib = pattern(1 << 20, 2);
    Path src = Files.createDirectories(tmp.resolve("src/lib"));
    Files.write(src.resolve("libfoo.so"), oldLib);
    Files.writeString(src.resolve("state"), "base state\n");
    Files.createDirectories(tmp.resolve("src/gone"));
    Files.writeString(tmp.resolve("src/gone/only"), "only\n");

    List<FileChannel> open = new ArrayList<>();
    Process program = null;
    try (MountedRepo m = new MountedRepo(tmp)) {
      ObjectId base = m.importDir(tmp.resolve("src"));
      m.mountImage(Versions.of(m.repo), base, MountOptions.defaults().withWritable(true));
      Path lib = m.mountPoint.resolve("lib");
      try {
        // A program maps the library, then an upgrade replaces it by rename.
        FileChannel mapped = FileChannel.open(lib.resolve("libfoo.so"), StandardOpenOption.READ);
        open.add(mapped);
        program = new ProcessBuilder("python3", "-c", MAP_AND_HASH, lib.resolve("libfoo.so").toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        var programOut = new java.io.BufferedReader(new java.io.InputStreamReader(program.getInputStream()));
        assertThat(programOut.readLine()).isEqualTo("mapped");
        Files.write(lib.resolve("libfoo.so.dpkg-new"), newLib);
        Files.move(lib.resolve("libfoo.so.dpkg-new"), lib.resolve("libfoo.so"),
            java.nio.file.StandardCopyOption.ATOMIC_MOVE);

        // A state file is opened for writing and then unlinked.
        FileChannel state = FileChannel.open(lib.resolve("state"), StandardOpenOption.READ, StandardOpenOption.WRITE);
        open.add(state);
        Files.delete(lib.resolve("state"));
        state.write(ByteBuffer.wrap("written after unlink\n".getBytes(StandardCharsets.UTF_8)), 11);

        // A file made in this transaction, opened, unlinked, and its deletion made durable.
        Files.write(lib.resolve("scratch"), pattern(200_000, 3));
        FileChannel scratch = FileChannel.open(lib.resolve("scratch"), StandardOpenOption.READ,
            StandardOpenOption.WRITE);
        open.add(scratch);
        Files.delete(lib.resolve("scratch"));
        scratch.force(true); // fsync: the transaction deletes the data files of unnamed inodes

        // The directory of an open, unlinked file can be removed at once.
        FileChannel only = FileChannel.open(m.mountPoint.resolve("gone/only"), StandardOpenOption.READ);
        open.add(only);
        Files.delete(m.mountPoint.resolve("gone/only"));
        Files.delete(m.mountPoint.resolve("gone"));

        try (var names = Files.list(lib)) {
          assertThat(names.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly("libfoo.so");
        }
        assertThat(Files.readAllBytes(lib.resolve("libfoo.so"))).isEqualTo(newLib);

        program.getOutputStream().write('\n');
        program.getOutputStream().flush();
        assertThat(programOut.readLine()).as("page faults of the replaced library")
            .isEqualTo(sha1(oldLib));
        assertThat(program.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(Arrays.equals(readAll(mapped), oldLib)).as("reads of the replaced library").isTrue();
        assertThat(new String(readAll(state), StandardCharsets.UTF_8)).isEqualTo("base state\nwritten after unlink\n");
        assertThat(state.size()).isEqualTo(32);
        assertThat(Arrays.equals(readAll(scratch), pattern(200_000, 3))).isTrue();
        // Read without fstat: libfuse 2 has no path for a file whose directory is gone, and the
        // kernel's getattr carries no handle (fs/README.md).
        ByteBuffer onlyBytes = ByteBuffer.allocate(100);
        only.read(onlyBytes, 0);
        assertThat(new String(onlyBytes.array(), 0, onlyBytes.position(), StandardCharsets.UTF_8)).isEqualTo("only\n");

        ObjectId committed = m.imageMount.transaction().commit("upgrade").manifest();
        Snapshot v = m.snapshot(committed);
        assertNoHiddenNames(v, "/");
        assertThat(v.lookupOrNull("/lib/state")).isNull();
        assertThat(v.lookupOrNull("/gone")).isNull();
        assertThat(v.lookup("/lib/libfoo.so").size()).isEqualTo(newLib.length);

        // After the commit the open files still read and write as before.
        scratch.write(ByteBuffer.wrap(new byte[] {9}), 0);
        assertThat(readAll(scratch)[0]).isEqualTo((byte) 9);
        assertThat(Arrays.equals(readAll(mapped), oldLib)).isTrue();
        assertThat(new String(readAll(state), StandardCharsets.UTF_8)).isEqualTo("base state\nwritten after unlink\n");
      } finally {
        if (program != null) {
          program.destroyForcibly().waitFor();
        }
        for (FileChannel ch : open) {
          ch.close();
        }
      }
      try (var names = Files.list(lib)) {
        assertThat(names.map(p -> p.getFileName().toString()).toList()).containsExactly("libfoo.so");
      }
    }
  }
}
