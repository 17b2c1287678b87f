package org.casfs.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.casfs.cas.ObjectId;
import org.casfs.cas.io.Checkout;
import org.casfs.txn.CommitResult;
import org.casfs.txn.Transaction;
import org.casfs.txn.Versions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writable mount against the kernel's own file system, as a model: seeded random operations
 * (write, write at an offset past the end, append, truncate longer and shorter, mkdir, rmdir,
 * unlink, rename over files and directories, symlink, hard link, chmod, user xattrs) go to a
 * directory on local disk and to the same paths under a writable mount of that directory's first
 * version. Each operation must succeed on both or fail on both the same way (the same exception
 * and reason, that is the same errno), and every few operations, after a remount, and in the
 * checkout of the committed version, the two trees must hold the same names, types, permission
 * bits, owners, sizes, bytes, link targets, hard-link counts and xattrs. The seed is printed on
 * failure.
 */
class WritableMountModelTest {
  private static final long SEED = Long.getLong("casfs.seed", System.nanoTime());
  private static final int OPERATIONS = 400;
  private static final List<String> DIRS = List.of("", "a", "a/b", "c");
  private static final List<String> NAMES = List.of("f", "g", "h", "a", "b", "c", "d");

  @TempDir Path tmp;

  @Test
  @Timeout(300)
  void randomOperationsLeaveTheMountAndItsCommitAsTheyLeaveALocalDirectory() throws Exception {
    Random r = new Random(SEED);
    Path model = Files.createDirectories(tmp.resolve("model"));
    Files.createDirectories(model.resolve("a/b"));
    Files.write(model.resolve("a/f"), bytes(r, 5000));
    Files.write(model.resolve("a/b/g"), bytes(r, 70_000));
    Files.write(model.resolve("h"), bytes(r, 10));
    try (MountedRepo m = new MountedRepo(tmp)) {
      ObjectId base = m.importDir(model);
      Versions versions = Versions.of(m.repo);
      // No attribute caching in the kernel: with libfuse's high-level API each name of a hard-linked
      // file is its own kernel inode, so for up to cacheSeconds one name shows the size and link
      // count from before a change made through another (fs/README.md); this test is about casfs.
      MountOptions rw = MountOptions.defaults().withWritable(true).withCacheSeconds(0);
      m.mountImage(versions, base, rw);
      for (int i = 0; i < OPERATIONS; i++) {
        String op = apply(r, model, m.mountPoint, i);
        if (i % 50 == 49) {
          assertSameTrees(model, m.mountPoint, "after operation " + i + " (" + op + ")");
        }
      }
      m.unmount();
      m.mountImage(versions, null, rw); // the transaction outlives the mount
      assertSameTrees(model, m.mountPoint, "after a remount");
      m.unmount();

      Transaction txn = versions.transactions().openOrNull();
      CommitResult done = txn.commit("random operations");
      Path out = tmp.resolve("checkout");
      new Checkout(m.repo.objectDatabase()).checkout(m.snapshot(done.manifest()), out, null);
      assertSameTrees(model, out, "in the checkout of the commit");
    }
  }

  /** One random operation on both trees; returns what it was. */
  private String apply(Random r, Path model, Path mount, int i) throws Exception {
    String path = randomPath(r);
    String other = randomPath(r);
    byte[] data = bytes(r, r.nextInt(4) == 0 ? 100_000 + r.nextInt(200_000) : r.nextInt(3000));
    long offset = r.nextInt(3) == 0 ? r.nextInt(400_000) : r.nextInt(6000);
    int kind = r.nextInt(14);
    String op = switch (kind) {
      case 0, 1 -> "write " + path + " " + data.length;
      case 2 -> "write at " + offset + " " + path + " " + data.length;
      case 3 -> "append " + path + " " + data.length;
      case 4 -> "truncate " + path + " to " + offset;
      case 5, 6 -> "mkdir " + path;
      case 7 -> "rmdir " + path;
      case 8 -> "unlink " + path;
      case 9 -> "rename " + path + " to " + other;
      case 10 -> "symlink " + path + " -> " + other;
      case 11 -> "link " + path + " to " + other;
      case 12 -> "chmod " + path;
      default -> "setxattr " + path;
    };
    String perms = PosixFilePermissions.toString(Set.copyOf(randomPermissions(r)));
    byte[] xattr = bytes(r, r.nextInt(40));
    boolean removeXattr = r.nextInt(3) == 0;
    String onModel = outcome(() -> run(kind, model, path, other, data, offset, perms, xattr, removeXattr));
    String onMount = outcome(() -> run(kind, mount, path, other, data, offset, perms, xattr, removeXattr));
    assertThat(onMount).as("seed " + SEED + ", operation " + i + ": " + op).isEqualTo(onModel);
    return op;
  }

  private static void run(int kind, Path root, String path, String other, byte[] data, long offset, String perms,
      byte[] xattr, boolean removeXattr) throws IOException {
    Path p = root.resolve(path);
    Path o = root.resolve(other);
    switch (kind) {
      case 0, 1 -> Files.write(p, data);
      case 2 -> {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
          ch.write(ByteBuffer.wrap(data), offset);
        }
      }
      case 3 -> Files.write(p, data, StandardOpenOption.APPEND);
      case 4 -> {
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          throw new FileSystemException(p.getFileName().toString(), null, "not a regular file");
        }
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
          f.setLength(offset);
        }
      }
      case 5, 6 -> Files.createDirectory(p);
      case 7 -> {
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          throw new FileSystemException(p.getFileName().toString(), null, "not a directory");
        }
        Files.delete(p);
      }
      case 8 -> {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          throw new FileSystemException(p.getFileName().toString(), null, "a directory");
        }
        Files.delete(p);
      }
      case 9 -> Files.move(p, o, StandardCopyOption.ATOMIC_MOVE); // rename(2), replacing what is there
      case 10 -> Files.createSymbolicLink(p, Path.of(other));
      case 11 -> Files.createLink(o, p);
      case 12 -> {
        if (!Files.isSymbolicLink(p)) { // chmod follows links; the model's would leave the tree
          Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
        }
      }
      default -> {
        if (!Files.isSymbolicLink(p)) {
          UserDefinedFileAttributeView view = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
          if (removeXattr) {
            view.delete("casfs.test");
          } else {
            view.write("casfs.test", ByteBuffer.wrap(xattr));
          }
        }
      }
    }
  }

  @FunctionalInterface
  private interface Step {
    void run() throws IOException;
  }

  /** "ok", or the failure's type and reason (its errno): the file name differs between the trees. */
  private static String outcome(Step step) {
    try {
      step.run();
      return "ok";
    } catch (FileSystemException e) {
      return e.getClass().getSimpleName() + (e.getReason() == null ? "" : ": " + e.getReason());
    } catch (IOException e) {
      return e.getClass().getSimpleName() + ": " + e.getMessage();
    }
  }

  private static void assertSameTrees(Path model, Path actual, String when) throws IOException {
    assertThat(describe(actual)).as("seed " + SEED + ", " + when).isEqualTo(describe(model));
  }

  /** Every path below {@code root}: type, permissions, owner, size, content hash, target, links, xattrs. */
  private static TreeMap<String, String> describe(Path root) throws IOException {
    TreeMap<String, String> out = new TreeMap<>();
    List<Path> paths;
    try (Stream<Path> s = Files.walk(root)) {
      paths = new ArrayList<>(s.toList());
    }
    for (Path p : paths) {
      String rel = root.relativize(p).toString();
      var a = Files.readAttributes(p, "unix:mode,uid,gid,size,nlink", LinkOption.NOFOLLOW_LINKS);
      int mode = (Integer) a.get("mode");
      StringBuilder d = new StringBuilder(Integer.toOctalString(mode)).append(' ').append(a.get("uid")).append(':')
          .append(a.get("gid"));
      if (Files.isSymbolicLink(p)) {
        d.append(" -> ").append(Files.readSymbolicLink(p));
      } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
        d.append(' ').append(a.get("size")).append(" bytes ").append(sha256(p)).append(" links ").append(a.get("nlink"));
      }
      if (!Files.isSymbolicLink(p)) {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
        for (String name : new java.util.TreeSet<>(view.list())) {
          ByteBuffer b = ByteBuffer.allocate(view.size(name));
          view.read(name, b);
          d.append(" xattr ").append(name).append('=').append(HexFormat.of().formatHex(b.array(), 0, b.position()));
        }
      }
      out.put(rel, d.toString());
    }
    return out;
  }

  private static String sha256(Path p) throws IOException {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(Files.readAllBytes(p))).substring(0, 16);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static String randomPath(Random r) {
    String dir = DIRS.get(r.nextInt(DIRS.size()));
    String name = NAMES.get(r.nextInt(NAMES.size()));
    return dir.isEmpty() ? name : dir + "/" + name;
  }

  private static List<PosixFilePermission> randomPermissions(Random r) {
    List<PosixFilePermission> perms = new ArrayList<>(List.of(PosixFilePermission.OWNER_READ,
        PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE));
    for (PosixFilePermission p : PosixFilePermission.values()) {
      if (r.nextInt(3) == 0) {
        perms.add(p);
      }
    }
    return perms;
  }

  private static byte[] bytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }
}
