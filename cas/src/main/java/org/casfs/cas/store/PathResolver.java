package org.casfs.cas.store;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import org.casfs.cas.Entry;
import org.casfs.cas.EntryType;
import org.casfs.cas.Name;

/**
 * Resolves a path inside a version as the kernel would inside a chroot of it: symlinks on the way
 * are followed (an absolute target starts again at the version's root, {@code ..} never climbs
 * above it), the last one only when asked or when the path ends in {@code /}; at most
 * {@link #MAX_LINKS} symlinks, as Linux. So {@code bin/bash} of a usr-merged Debian root is
 * {@code usr/bin/bash}. Stateless.
 */
final class PathResolver {
  /** Linux's limit on symlinks followed in one lookup (MAXSYMLINKS). */
  static final int MAX_LINKS = 40;

  private PathResolver() {}

  static Entry resolve(Snapshot snapshot, byte[] path, boolean followLast) throws IOException {
    String shown = new String(path, java.nio.charset.StandardCharsets.UTF_8);
    boolean trailingSlash = path.length > 0 && path[path.length - 1] == '/';
    Deque<byte[]> todo = new ArrayDeque<>(components(path));
    List<Entry> walked = new ArrayList<>(List.of(snapshot.root()));
    int links = 0;
    while (!todo.isEmpty()) {
      byte[] c = todo.pollFirst();
      if (c.length == 1 && c[0] == '.') {
        continue;
      }
      if (c.length == 2 && c[0] == '.' && c[1] == '.') {
        if (walked.size() > 1) {
          walked.remove(walked.size() - 1);
        }
        continue;
      }
      Entry dir = walked.get(walked.size() - 1);
      if (!dir.isDirectory()) {
        throw new NotDirectoryException(shown);
      }
      Entry e = childOrNull(snapshot, dir, c);
      if (e == null) {
        throw new NoSuchFileException(shown, null, "no such path in version " + snapshot.id());
      }
      boolean last = todo.isEmpty();
      if (e.type() == EntryType.SYMLINK && (!last || followLast || trailingSlash)) {
        if (++links > MAX_LINKS) {
          throw new FileSystemException(shown, null, "too many levels of symbolic links");
        }
        byte[] target = e.target();
        if (target.length > 0 && target[0] == '/') {
          walked.subList(1, walked.size()).clear();
        }
        List<byte[]> next = components(target);
        for (int i = next.size() - 1; i >= 0; i--) {
          todo.addFirst(next.get(i));
        }
        continue;
      }
      walked.add(e);
    }
    Entry found = walked.get(walked.size() - 1);
    if (trailingSlash && !found.isDirectory()) {
      throw new NotDirectoryException(shown);
    }
    return found;
  }

  private static Entry childOrNull(Snapshot snapshot, Entry dir, byte[] name) throws IOException {
    Name n;
    try {
      n = Name.of(name);
    } catch (IllegalArgumentException e) {
      return null; // a name no tree can hold (too long), as in a symlink's target
    }
    return snapshot.tree(dir).getOrNull(n);
  }

  /** The non-empty components of a path, {@code .} and {@code ..} included. */
  private static List<byte[]> components(byte[] path) {
    List<byte[]> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= path.length; i++) {
      if (i == path.length || path[i] == '/') {
        if (i > start) {
          out.add(Arrays.copyOfRange(path, start, i));
        }
        start = i + 1;
      }
    }
    return out;
  }
}
