package org.casfs.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.casfs.cas.Manifest;
import org.casfs.cas.ObjectId;
import org.casfs.cas.io.ImportOptions;
import org.casfs.cas.io.ImportResult;
import org.casfs.cas.io.Importer;
import org.casfs.cas.store.RepoConfig;
import org.casfs.cas.store.Repository;
import org.casfs.cas.store.Snapshot;

/**
 * Test support: a repository in a temp dir holding imported trees, and a real mount of one of its
 * versions. {@link #close()} unmounts and checks /proc/mounts, so a test that fails still leaves
 * nothing mounted.
 */
final class MountedRepo implements Closeable {
  final Repository repo;
  final Path mountPoint;
  final List<String> log = new CopyOnWriteArrayList<>();
  SnapshotImage image;
  LiveMount mount;
  ImageMount imageMount;
  private long sequence;

  MountedRepo(Path tmp) throws IOException {
    this(tmp, tmp.resolve("mnt"));
  }

  MountedRepo(Path tmp, Path mountPoint) throws IOException {
    this.repo = Repository.init(tmp.resolve("repo"), RepoConfig.defaults());
    this.mountPoint = Files.createDirectories(mountPoint);
  }

  ObjectId importDir(Path dir) throws IOException {
    ImportResult r = new Importer(repo.objectDatabase()).importDirectory(dir, ImportOptions.defaults(), null);
    Manifest m = new Manifest(r.root(), r.rootMeta(), "stable", ++sequence, "test-" + sequence, null,
        System.currentTimeMillis());
    ObjectId id = repo.objectDatabase().writeManifest(m).id();
    repo.flush();
    return id;
  }

  Snapshot snapshot(ObjectId id) throws IOException {
    return Snapshot.open(repo.objectDatabase(), id);
  }

  MountedRepo mount(ObjectId version, MountOptions options) throws IOException {
    image = new SnapshotImage(snapshot(version), new BlobVerifier(10_000), repo.dir(), log::add);
    mount = NodeMount.mount(image, mountPoint, options, log::add);
    return this;
  }

  /** Imports {@code src} and mounts it writable with {@code options}, as 'casfs mount --writable' does. */
  MountedRepo mountWritable(Path src, MountOptions options) throws IOException {
    return mountImage(org.casfs.txn.Versions.of(repo), importDir(src), options.withWritable(true));
  }

  /** Mounts through ImageMount (follows current / pins / writable) as 'casfs mount' does. */
  MountedRepo mountImage(org.casfs.txn.Versions versions, ObjectId pinned, MountOptions options) throws IOException {
    imageMount = ImageMount.start(versions, mountPoint, pinned, options, log::add);
    mount = imageMount.fuse();
    return this;
  }

  void unmount() throws IOException {
    ImageMount closing = imageMount;
    imageMount = null;
    if (mount != null) {
      try {
        if (closing != null) {
          closing.close(); // as 'casfs mount' ends: also closes a writable mount's empty transaction
        } else {
          mount.close();
        }
      } finally {
        mount = null;
      }
    }
    assertThat(MountTable.isMounted(mountPoint)).as("still mounted: " + mountPoint).isFalse();
  }

  @Override
  public void close() throws IOException {
    try {
      unmount();
    } finally {
      if (MountTable.isMounted(mountPoint)) {
        MountTable.fusermountUnmount(mountPoint, true);
      }
      repo.close();
    }
  }
}
