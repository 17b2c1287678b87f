package org.casfs.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.casfs.cas.store.Repository;
import org.casfs.txn.Versions;

/**
 * Everything a user could observe of a repository, as text, to show that a failed command
 * changed nothing: every file outside RocksDB's own directory (path, type, mode, size, SHA-1),
 * and, read through the store, every object (id, type, size), every ref and the history.
 * RocksDB rewrites its own files (logs, manifests) on every open, so {@code db/} is compared by
 * what it holds rather than by its bytes.
 */
final class RepoFingerprint {
  private RepoFingerprint() {}

  static String of(Path repoDir) throws IOException {
    List<String> lines = new ArrayList<>(files(repoDir));
    if (Repository.isRepository(repoDir)) {
      try (Repository repo = Repository.open(repoDir)) {
        repo.objects().forEach(info -> {
          lines.add("object " + info.id() + " " + info.type() + " " + info.size());
          return true;
        });
        Versions v = Versions.of(repo);
        try {
          Map<String, String> refs = new TreeMap<>();
          v.refs().all().forEach((k, id) -> refs.put(k, id.name()));
          refs.forEach((k, id) -> lines.add("ref " + k + " " + id));
          v.refs().history().forEach(h -> lines.add("history " + h));
          lines.add("transaction " + (v.transactions().openOrNull() != null));
        } finally {
          Versions.release(repo);
        }
      }
    }
    return String.join("\n", lines);
  }

  private static List<String> files(Path root) throws IOException {
    List<String> out = new ArrayList<>();
    if (!Files.exists(root)) {
      out.add("(absent)");
      return out;
    }
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted().toList()) {
        Path rel = root.relativize(p);
        if (rel.startsWith("db") || rel.toString().equals("lock") || rel.startsWith(Path.of("staging", "tmp"))) {
          continue;
        }
        String mode = Integer.toOctalString((Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS));
        if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          out.add("file " + rel + " " + mode + " " + Files.size(p) + " " + sha1(p));
        } else {
          out.add("other " + rel + " " + mode);
        }
      }
    }
    return out;
  }

  static String sha1(Path file) throws IOException {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-1");
      md.update(Files.readAllBytes(file));
      return HexFormat.of().formatHex(md.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
