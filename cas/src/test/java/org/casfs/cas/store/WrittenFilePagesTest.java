package org.casfs.cas.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.casfs.cas.Hashes;
import org.casfs.cas.ObjectId;
import org.casfs.cas.io.PageCache;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loose files a store writes leave the page cache once on disk, so an import or a pull of a
 * whole image holds a few MiB of it, not the image; and dropping their pages hides no failure of
 * the disk from the sync. Real ext4 filesystems on loop devices; needs root.
 */
class WrittenFilePagesTest {
  @TempDir Path tmp;

  @Test
  void filesWrittenLeaveThePageCacheOnceOnDiskAndReadBackWhole() throws Exception {
    try (LoopExt4 disk = LoopExt4.create(tmp, 256, 256)) {
      LooseFiles files = looseFilesOn(disk.dir());
      try {
        List<byte[]> blobs = new ArrayList<>();
        List<ObjectId> ids = write(files, 48, 1 << 20, new Random(1), blobs); // 48 MiB
        long heldWhileWriting = residentBytes(files, ids);
        files.sync(ids);
        long heldAfterSync = residentBytes(files, ids);
        // The budget, and what the disk had not written yet when the oldest were dropped.
        assertThat(heldWhileWriting).as("page cache held by 48 MiB of files just written")
            .isLessThanOrEqualTo(WrittenFilePages.BUDGET + (8 << 20));
        assertThat(heldAfterSync).as("page cache held by them once synced").isZero();
        for (int i = 0; i < ids.size(); i++) {
          assertThat(Files.readAllBytes(files.path(ids.get(i)))).isEqualTo(blobs.get(i));
        }
      } finally {
        files.close();
      }
    }
  }

  /** 500 small files, 10 MiB in all, within the budget: they hold few descriptors, not 500. */
  @Test
  void smallFilesHoldFewDescriptors() throws Exception {
    LooseFiles files = looseFilesOn(tmp);
    try {
      long before = openDescriptors();
      List<ObjectId> ids = write(files, 500, 20 * 1024, new Random(3), new ArrayList<>());
      assertThat(openDescriptors() - before).as("descriptors held after writing 500 files")
          .isLessThanOrEqualTo(WrittenFilePages.MAX_FILES);
      files.sync(ids);
      assertThat(openDescriptors() - before).as("descriptors held after their sync").isLessThanOrEqualTo(0);
    } finally {
      files.close();
    }
  }

  /**
   * Five files of 8 MiB on a disk that takes 24 MiB: the first are dropped from the cache while
   * the later ones are written, and the disk fails the last. The sync (an fsync of each file, for
   * a batch this small) names a file it failed.
   */
  @Test
  void aFileTheDiskFailedToWriteFailsTheSyncOfItsBatch() throws Exception {
    try (LoopExt4 disk = LoopExt4.create(tmp, 256, 24)) {
      LooseFiles files = looseFilesOn(disk.dir());
      try {
        List<ObjectId> ids = write(files, 5, 8 << 20, new Random(2), new ArrayList<>());
        assertThatThrownBy(() -> files.sync(ids)).isInstanceOf(IOException.class)
            .hasMessageContaining(disk.dir().resolve("objects").toString())
            .hasMessageMatching("(?s).*(Input/output error|No space left on device).*");
      } finally {
        files.close();
      }
    }
  }

  private static LooseFiles looseFilesOn(Path dir) throws IOException {
    return new LooseFiles(Files.createDirectories(dir.resolve("objects")),
        Files.createDirectories(dir.resolve("staging")));
  }

  private static List<ObjectId> write(LooseFiles files, int count, int size, Random random, List<byte[]> blobs)
      throws IOException {
    List<ObjectId> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] blob = new byte[size];
      random.nextBytes(blob);
      ObjectId id = Hashes.of(blob).id();
      try (LooseFiles.Temp t = files.newTemp()) {
        t.write(blob, 0, blob.length);
        t.publish(id);
      }
      ids.add(id);
      blobs.add(blob);
    }
    return ids;
  }

  private static long openDescriptors() throws IOException {
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.count();
    }
  }

  /** The bytes of the files' pages in the page cache. */
  private static long residentBytes(LooseFiles files, List<ObjectId> ids) throws IOException, InterruptedException {
    List<Path> paths = new ArrayList<>();
    for (ObjectId id : ids) {
      paths.add(files.path(id));
    }
    return PageCache.residentBytes(paths);
  }
}
