package org.casfs.fs;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.cas.store.Snapshot;
import org.casfs.txn.RootPointer;
import org.casfs.txn.Transaction;
import org.casfs.txn.Transactions;
import org.casfs.txn.Versions;

/**
 * A repository's version mounted: writable through the repository's transaction
 * ({@link TxnFuse} over libfuse), or read-only ({@link NodeMount}) and pinned to one version or
 * following {@code current} (a root pointer flip swaps the shown snapshot at once and tells the
 * kernel which names changed, so new lookups see it at once). Files already open keep reading the
 * version they opened. The caller keeps the repository open while mounted. Thread-safe.
 */
public final class ImageMount implements Closeable {
  private final LiveMount mount;
  private final SnapshotImage image;
  private final RootPointer rootPointer;
  private final Consumer<ObjectId> follower;
  private final TxnFuse writable;

  private ImageMount(LiveMount mount, SnapshotImage image, RootPointer rootPointer, Consumer<ObjectId> follower,
      TxnFuse writable) {
    this.writable = writable;
    this.mount = mount;
    this.image = image;
    this.rootPointer = rootPointer;
    this.follower = follower;
  }

  /**
   * Who hears of each object a read-only mount found damaged when a file was opened (a peer
   * daemon in the same process repairs it); a writable mount reads through its transaction.
   */
  public void onDamagedObject(Consumer<ObjectId> listener) {
    if (image != null) {
      image.onDamagedObject(listener);
    }
  }

  /**
   * Mounts {@code pinned}, or {@code current} and follows it when {@code pinned} is null.
   *
   * @throws MountException when there is nothing to mount or the mountpoint is unusable
   */
  public static ImageMount start(Versions versions, Path mountPoint, ObjectId pinned, MountOptions options,
      Consumer<String> log) throws IOException {
    if (options.writable()) {
      return startWritable(versions, mountPoint, pinned, options, log);
    }
    ObjectDatabase db = versions.repository().objectDatabase();
    RootPointer rp = versions.rootPointer();
    ObjectId version = pinned != null ? pinned : rp.currentOrNull();
    if (version == null) {
      throw new MountException("there is no current version to mount; import one with --switch,"
          + " or name one with --version");
    }
    SnapshotImage image = new SnapshotImage(Snapshot.open(db, version), new BlobVerifier(1 << 16),
        versions.repository().dir(), log);
    Consumer<ObjectId> follower = null;
    if (pinned == null) {
      follower = id -> {
        try {
          image.switchTo(Snapshot.open(db, id));
        } catch (IOException e) {
          log.accept("casfs: cannot show version " + id + " (" + e.getMessage() + "); still showing "
              + image.current().id());
        }
      };
      rp.addListener(follower);
    }
    if (pinned != null) {
      image.pin();
    }
    try {
      return new ImageMount(NodeMount.mount(image, mountPoint, options, log), image, rp, follower, null);
    } catch (IOException | RuntimeException e) {
      if (follower != null) {
        rp.removeListener(follower);
      }
      throw e;
    }
  }

  /**
   * A writable mount of the repository's open transaction, or of a new one on {@code pinned}
   * (default {@code current}). Changes are durable as they happen; {@code casfs commit} makes
   * them a version, also after an unmount and remount. A transaction with no change is closed
   * when the mount ends.
   */
  private static ImageMount startWritable(Versions versions, Path mountPoint, ObjectId pinned, MountOptions options,
      Consumer<String> log) throws IOException {
    Transactions txs = versions.transactions();
    Transaction txn = txs.openOrNull();
    if (txn != null && pinned != null && !pinned.equals(txn.base())) {
      throw new MountException("a transaction on " + (txn.base() == null ? "nothing" : txn.base().name())
          + " is open; 'casfs commit' or 'casfs abort' it before mounting another version writable");
    }
    if (txn == null) {
      ObjectId base = pinned != null ? pinned : versions.rootPointer().currentOrNull();
      if (base == null) {
        throw new MountException("there is no current version to change; import one with --switch, or name one with"
            + " --version");
      }
      try {
        txn = txs.begin(base);
      } catch (org.casfs.txn.VersionException e) {
        throw new MountException(e.getMessage());
      }
    }
    TxnFuse fs = new TxnFuse(txs, txn, versions.repository().dir(), log);
    return new ImageMount(FuseMount.mount(fs, mountPoint, options, log), null, null, null, fs);
  }

  /** The transaction a writable mount changes, or null. */
  public Transaction transaction() {
    return writable == null ? null : writable.transaction();
  }

  /** The version shown now (for a writable mount: the transaction's base). */
  public ObjectId shown() {
    return image != null ? image.current().id() : writable.transaction().base();
  }

  /**
   * What gc must keep while this mount runs: the version it shows and, for a read-only mount,
   * every blob and tree of the files and directories the kernel still holds, whatever version
   * they came from — a program that opened a library before a switch reads its pages from the
   * old blob for as long as it runs. (A writable mount's objects are its transaction's, which gc
   * keeps anyway.)
   */
  public Set<ObjectId> objectsInUse() {
    Set<ObjectId> ids = new HashSet<>();
    ObjectId shown = shown();
    if (shown != null) {
      ids.add(shown);
    }
    if (mount instanceof NodeMount nodes) {
      ids.addAll(nodes.objectsShown());
    }
    return ids;
  }

  public boolean following() {
    return follower != null;
  }

  public LiveMount fuse() {
    return mount;
  }

  public void awaitUnmounted() throws InterruptedException {
    mount.awaitUnmounted();
  }

  @Override
  public void close() throws IOException {
    if (follower != null) {
      rootPointer.removeListener(follower);
    }
    mount.close();
    if (writable != null) {
      // A writable mount that changed nothing leaves no transaction behind to block an import.
      Transaction t = writable.transaction();
      if (!t.isFinished() && !t.hasChanges()) {
        t.abort();
      }
    }
  }
}
