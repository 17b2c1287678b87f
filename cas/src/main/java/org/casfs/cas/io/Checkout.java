package org.casfs.cas.io;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import org.casfs.cas.Hashes;
import org.casfs.cas.Metadata;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.cas.store.Snapshot;

/**
 * Writes a tree from the store into a directory of the real file system, exactly (run as root
 * to restore owners, devices and trusted/security xattrs): contents, types, permission bits
 * with setuid/setgid/sticky, owners, mtimes in nanoseconds (directories last, after their
 * children), symlinks, hardlinks ({@code link()} to the group's first path in byte order),
 * xattrs, device nodes, fifos and sockets. Files are written in parallel.
 *
 * <p>The target must be absent or an empty directory: anything else is a
 * {@link java.nio.file.FileAlreadyExistsException} and nothing is written. Each file is written
 * under a temporary name and renamed into place only after its blob verified to the last byte,
 * so a damaged blob never leaves a wrong byte at any path; the error names the object and the
 * path. A checkout that fails (a damaged or missing object, a full disk, a target file system
 * without xattrs) removes all it wrote before it throws: the target is as it was, absent or
 * empty; if even that fails, a {@link PartialCheckoutException} is attached as suppressed.
 * Files are not fsynced: a checkout is a copy, not the store; run {@code sync} if it must
 * survive power loss.
 *
 * <p>Thread-safe: each call is independent.
 */
public final class Checkout {
  private final ObjectDatabase db;
  private final int threads;

  public Checkout(ObjectDatabase db) {
    this(db, Runtime.getRuntime().availableProcessors());
  }

  public Checkout(ObjectDatabase db, int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1: " + threads);
    }
    this.db = db;
    this.threads = threads;
  }

  /**
   * Whether {@code dir} holds a checkout that stopped before it finished: one killed, or cut off
   * by a power failure, had no chance to remove what it wrote, and left its work folder ({@code
   * .casfs-checkout-} and 16 hex digits) at the top. A failed or interrupted checkout removes it.
   */
  public static boolean isStoppedCheckout(Path dir) throws IOException {
    try (DirectoryStream<Path> names = Files.newDirectoryStream(dir, CheckoutRun.WORK_FOLDER_GLOB)) {
      return names.iterator().hasNext();
    } catch (NoSuchFileException | NotDirectoryException e) {
      return false;
    }
  }

  /** What to say of a target that {@link #isStoppedCheckout holds a stopped checkout}. */
  public static String stoppedCheckoutAdvice(Path dir) {
    return "holds a checkout that stopped before it finished (killed, or the machine lost power): remove it"
        + " (rm -rf " + dir + ") and check out again, or give a new or empty directory";
  }

  /** Checks out a version. */
  public CheckoutResult checkout(Snapshot version, Path target, ProgressListener progress) throws IOException {
    return checkout(version.manifest().root(), version.manifest().rootMeta(), target, progress);
  }

  /** Checks out the tree {@code root}, giving {@code target} itself {@code rootMeta}. */
  public CheckoutResult checkout(Hashes root, Metadata rootMeta, Path target, ProgressListener progress)
      throws IOException {
    return new CheckoutRun(db, threads, root, rootMeta, target,
        progress == null ? ProgressListener.NONE : progress).run();
  }
}
