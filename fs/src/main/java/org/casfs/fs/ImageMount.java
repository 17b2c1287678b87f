package org.casfs.fs;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.ObjectDatabase;
import org.casfs.cas.store.Snapshot;
import org.casfs.txn.RootPointer;
import org.casfs.txn.Versions;

/**
 * A repository's version mounted read-only: pinned to one version, or following {@code current}
 * (a root pointer flip swaps the shown snapshot at once; the kernel's caches let new lookups see
 * it within the mount's cache timeout, at most a second). Files already open keep reading the
 * version they opened. The caller keeps the repository open while mounted. Thread-safe.
 */
public final class ImageMount implements Closeable {
  private final FuseMount mount;
  private final SnapshotImage image;
  private final RootPointer rootPointer;
  private final Consumer<ObjectId> follower;

  private ImageMount(FuseMount mount, SnapshotImage image, RootPointer rootPointer, Consumer<ObjectId> follower) {
    this.mount = mount;
    this.image = image;
    this.rootPointer = rootPointer;
    this.follower = follower;
  }

  /**
   * Mounts {@code pinned}, or {@code current} and follows it when {@code pinned} is null.
   *
   * @throws MountException when there is nothing to mount or the mountpoint is unusable
   */
  public static ImageMount start(Versions versions, Path mountPoint, ObjectId pinned, MountOptions options,
      Consumer<String> log) throws IOException {
    if (options.writable()) {
      throw new IllegalArgumentException("ImageMount is read-only; writable mounts go through a transaction");
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
    long attrNanos = (long) (options.cacheSeconds() * TimeUnit.SECONDS.toNanos(1));
    CasFuse fs = new CasFuse(image, new PageCachePolicy(1 << 16), attrNanos, log);
    try {
      return new ImageMount(FuseMount.mount(fs, mountPoint, options, log), image, rp, follower);
    } catch (IOException | RuntimeException e) {
      if (follower != null) {
        rp.removeListener(follower);
      }
      throw e;
    }
  }

  /** The version shown now. */
  public ObjectId shown() {
    return image.current().id();
  }

  public boolean following() {
    return follower != null;
  }

  public FuseMount fuse() {
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
  }
}
