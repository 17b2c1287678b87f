package org.casfs.fs;

import java.util.TreeMap;
import org.casfs.txn.Transaction.FileBytes;

/**
 * Which opens of a writable mount may let the kernel keep the pages it cached of the file at an
 * earlier open ({@code keep_cache}). Without it the kernel drops them at every open and reads
 * the file again through the mount: a program's binary and libraries at each start, ~7x slower
 * than the read-only mount.
 *
 * <p>It may when the same path held the same bytes at the open before, in the same transaction
 * ({@link org.casfs.txn.Transaction#fileBytesOrNull}: the same unchanged blob, or the same data
 * file not written since). The kernel inode there then holds those bytes: its own writes it
 * cached as it sent them, and any write, through it or through another name of the file, counts
 * as a change. Only a rename moves a kernel inode, with its pages, to another path, so a rename
 * forgets what it knew of both paths and everything under them (libfuse holds both paths locked
 * meanwhile, so no open of them comes between); so do unlink, link, create and mknod. A commit
 * or abort starts a new transaction, which matches nothing recorded in the old one. Thread-safe.
 */
final class KeptPages {
  /** Paths remembered at most; beyond it everything is forgotten (a miss only reads again). */
  static final int MAX_PATHS = 65_536;

  private final TreeMap<String, FileBytes> lastOpen = new TreeMap<>();

  /**
   * Records what an open of {@code path} found ({@code bytes}; null: a file served apart) and
   * returns whether the kernel may keep the pages of the open before.
   */
  synchronized boolean opened(String path, FileBytes bytes) {
    if (bytes == null) {
      lastOpen.remove(path);
      return false;
    }
    if (lastOpen.size() >= MAX_PATHS) {
      lastOpen.clear();
    }
    return bytes.equals(lastOpen.put(path, bytes));
  }

  /** Forgets {@code path} and every path under it. */
  synchronized void forget(String path) {
    lastOpen.remove(path);
    String under = path.endsWith("/") ? path : path + "/";
    lastOpen.subMap(under, true, under + Character.MAX_VALUE, false).clear();
  }
}
