package org.casfs.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What a tree holds, path by path, as a writable mount's model tests compare it: type,
 * permissions, owner, size, content hash, link target, hard-link count and xattrs. Test support.
 */
final class TreeState {
  private TreeState() {}

  /** Every path below {@code root} (relative; "" is the root) and what it holds. */
  static TreeMap<String, String> describe(Path root) throws IOException {
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
        for (String name : new TreeSet<>(view.list())) {
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
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
