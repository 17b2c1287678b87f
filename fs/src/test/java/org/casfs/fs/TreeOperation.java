package org.casfs.fs;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * One random change to a directory tree, made the same way on any root: write, write at an offset
 * past the end, append, truncate longer and shorter, mkdir, rmdir, unlink, rename over files and
 * directories, symlink, hard link, chmod, a user xattr set or removed. The paths come from a few
 * directories and names, so operations meet each other's files. Test support for the writable
 * mount's model tests.
 */
record TreeOperation(int kind, String path, String other, byte[] data, long offset, String perms, byte[] xattr,
    boolean removeXattr) {
  private static final List<String> DIRS = List.of("", "a", "a/b", "c");
  private static final List<String> NAMES = List.of("f", "g", "h", "a", "b", "c", "d");

  /** The tree the operations start from, made at {@code dir}: a few files in the directories they use. */
  static Path firstTree(Path dir, Random r) throws IOException {
    Files.createDirectories(dir.resolve("a/b"));
    Files.write(dir.resolve("a/f"), bytes(r, 5000));
    Files.write(dir.resolve("a/b/g"), bytes(r, 70_000));
    Files.write(dir.resolve("h"), bytes(r, 10));
    return dir;
  }

  static TreeOperation random(Random r) {
    String path = randomPath(r);
    String other = randomPath(r);
    byte[] data = bytes(r, r.nextInt(4) == 0 ? 100_000 + r.nextInt(200_000) : r.nextInt(3000));
    long offset = r.nextInt(3) == 0 ? r.nextInt(400_000) : r.nextInt(6000);
    int kind = r.nextInt(14);
    String perms = PosixFilePermissions.toString(Set.copyOf(randomPermissions(r)));
    byte[] xattr = bytes(r, r.nextInt(40));
    boolean removeXattr = r.nextInt(3) == 0;
    return new TreeOperation(kind, path, other, data, offset, perms, xattr, removeXattr);
  }

  /** What it does, for messages. */
  @Override
  public String toString() {
    return switch (kind) {
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
      default -> (removeXattr ? "removexattr " : "setxattr ") + path;
    };
  }

  /** The paths it may change (below them too, for a directory renamed or removed). */
  List<String> touched() {
    return kind == 9 || kind == 11 ? List.of(path, other) : List.of(path);
  }

  /** Makes the change under {@code root}. */
  void run(Path root) throws IOException {
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

  /** "ok", or the failure's type and reason (its errno): the file name differs between the trees. */
  String outcome(Path root) {
    try {
      run(root);
      return "ok";
    } catch (FileSystemException e) {
      return e.getClass().getSimpleName() + (e.getReason() == null ? "" : ": " + e.getReason());
    } catch (IOException e) {
      return e.getClass().getSimpleName() + ": " + e.getMessage();
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

  static byte[] bytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }
}
