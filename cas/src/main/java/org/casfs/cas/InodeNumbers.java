package org.casfs.cas;

import java.nio.charset.StandardCharsets;

/**
 * Stable inode numbers. A file's number is derived from its path, so it is the same in every
 * version and across remounts (tools that remember inodes, like {@code tar --listed-incremental}
 * or {@code find -samefile}, keep working); the entries of one hardlink group share the number
 * derived from their link group, so {@code tar} and {@code cp -a} see one inode. The root is 1. Stateless and thread-safe.
 *
 * <p>Numbers are a 64-bit FNV-1a hash with the top bit cleared (some 32-bit tools treat negative
 * inode numbers as errors) and 0 and 1 avoided; a collision needs two paths of one image to hash
 * alike, about one chance in 10^10 for a million paths. A writable mount numbers the files it
 * reaches the same way, from the hash state of their directory ({@link #childState}).
 */
public final class InodeNumbers {
  public static final long ROOT = 1;
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private InodeNumbers() {}

  /** The number of the file at {@code path} (bytes, with or without a leading slash). */
  public static long ofPath(byte[] path) {
    int start = 0;
    int end = path.length;
    while (start < end && path[start] == '/') {
      start++;
    }
    while (end > start && path[end - 1] == '/') {
      end--;
    }
    if (start == end) {
      return ROOT;
    }
    long h = FNV_OFFSET;
    for (int i = start; i < end; i++) {
      h ^= path[i] & 0xff;
      h *= FNV_PRIME;
    }
    return fold(h);
  }

  /** The hash state of the root's (empty) path, which {@link #childState} continues. */
  public static final long ROOT_STATE = FNV_OFFSET;

  /**
   * The hash state of {@code name} inside the directory whose state is {@code parentState}
   * ({@link #ROOT_STATE} and {@code parentIsRoot} for the root); {@link #ofState} of it is the
   * number {@link #ofPath} gives the whole path.
   */
  public static long childState(long parentState, boolean parentIsRoot, Name name) {
    long h = parentState;
    if (!parentIsRoot) {
      h ^= '/';
      h *= FNV_PRIME;
    }
    for (int i = 0; i < name.length(); i++) {
      h ^= name.at(i) & 0xff;
      h *= FNV_PRIME;
    }
    return h;
  }

  /** The inode number of the path whose hash state is {@code state}. */
  public static long ofState(long state) {
    return fold(state);
  }

  /**
   * Another number, for a file whose own is held by another file still (a writable mount's file
   * that was renamed keeps its number); the same for the same {@code number}.
   */
  public static long next(long number) {
    return fold((number ^ 0x9e3779b97f4a7c15L) * FNV_PRIME);
  }

  public static long ofPath(String path) {
    return ofPath(path.getBytes(StandardCharsets.UTF_8));
  }

  /** The shared number of a hardlink group, seeded from the group's id within its version. */
  public static long ofLinkGroup(long group) {
    long h = FNV_OFFSET ^ 0x9e3779b97f4a7c15L;
    for (int i = 0; i < 8; i++) {
      h ^= (group >>> (8 * i)) & 0xff;
      h *= FNV_PRIME;
    }
    return fold(h);
  }

  private static long fold(long h) {
    h &= Long.MAX_VALUE;
    return h <= ROOT ? h + 2 : h;
  }
}
