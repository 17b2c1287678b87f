package org.casfs.fs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.casfs.txn.OpenFile;
import org.casfs.txn.Stat;
import org.casfs.txn.Transaction;

/**
 * libfuse 2's names for unlinked open files, kept out of the transaction. When a file that is
 * open is unlinked or renamed over, libfuse's high-level API renames it to {@code
 * .fuse_hiddenXXXXXXXXYYYYYYYY} in the same directory instead, keeps serving it under that path,
 * and unlinks that name at the last close. Done in the transaction, those names reached versions,
 * {@code ls -a} and made {@code rmdir} fail with ENOTEMPTY. Here that rename is an unlink in the
 * transaction (the inode lives on as an open file, {@link OpenFile}) and the hidden path lives
 * only in this table, which answers libfuse's getattr (fstat) and unlink for it.
 *
 * <p>Why not libfuse's {@code hard_remove}: it drops the node's path, and the kernel's getattr
 * (fstat after the attribute timeout) carries no file handle, so libfuse answers ENOENT itself.
 * Thread-safe.
 */
final class HiddenFiles {
  private static final String PREFIX = ".fuse_hidden";
  private final Map<String, OpenFile> byPath = new ConcurrentHashMap<>();

  /** Whether {@code path}'s last name is of the form libfuse gives hidden files. */
  static boolean isHiddenName(String path) {
    return path.substring(path.lastIndexOf('/') + 1).startsWith(PREFIX);
  }

  /** Takes {@code from}'s name away in {@code t} and keeps the inode open under {@code hidden}. */
  void hide(Transaction t, String from, String hidden) throws IOException {
    OpenFile f = t.open(from);
    try {
      t.unlink(from);
    } catch (IOException | RuntimeException e) {
      t.close(f);
      throw e;
    }
    OpenFile old = byPath.put(hidden, f);
    if (old != null) {
      old.transaction().close(old);
    }
  }

  /** The attributes of a hidden file, or null if {@code path} is not one. */
  Stat statOrNull(String path) throws IOException {
    OpenFile f = byPath.get(path);
    return f == null ? null : f.transaction().stat(f);
  }

  /** Forgets a hidden name (libfuse's unlink at the last close); false if {@code path} is not one. */
  boolean remove(String path) throws IOException {
    OpenFile f = byPath.remove(path);
    if (f == null) {
      return false;
    }
    f.transaction().close(f);
    return true;
  }

  /**
   * Forgets the hidden files no kernel handle holds any more ({@code stillOpen} false): libfuse
   * cannot unlink one whose directory was removed meanwhile, since it has no path for it then.
   */
  void forgetUnused(Predicate<OpenFile> stillOpen) throws IOException {
    List<String> unused = new ArrayList<>();
    byPath.forEach((path, f) -> {
      if (!stillOpen.test(f)) {
        unused.add(path);
      }
    });
    for (String path : unused) {
      remove(path);
    }
  }
}
