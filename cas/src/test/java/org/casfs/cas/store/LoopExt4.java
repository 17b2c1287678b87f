package org.casfs.cas.store;

import static org.casfs.cas.io.Tmpfs.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.casfs.cas.io.Tmpfs;

/**
 * A real ext4 filesystem on a loop device whose sparse image lives on a tmpfs: a disk of known
 * kind wherever the tests run. With the tmpfs smaller than the image, it is a disk that fails to
 * write: writes into the page cache succeed, and once the tmpfs is full the disk's writes fail,
 * reported where write-back is waited for (sync_file_range, fsync, syncfs), as for a dying USB
 * stick or SD card. {@link #close} unmounts it and frees the loop device, whatever state it is
 * in. Needs root.
 */
final class LoopExt4 implements AutoCloseable {
  private final Tmpfs backing;
  private final Path mount;
  private String device;

  private LoopExt4(Tmpfs backing, Path mount) {
    this.backing = backing;
    this.mount = mount;
  }

  /** An ext4 of {@code sizeMiB} at {@code dir}/disk whose disk holds {@code storesMiB} of it at most. */
  static LoopExt4 create(Path dir, int sizeMiB, int storesMiB) throws IOException, InterruptedException {
    LoopExt4 disk = new LoopExt4(Tmpfs.mount(dir.resolve("backing"), "size=" + storesMiB + "m"),
        Files.createDirectories(dir.resolve("disk")));
    try {
      Path image = disk.backing.dir().resolve("disk.img");
      run("truncate", "-s", sizeMiB + "M", image.toString());
      run("mkfs.ext4", "-q", "-F", image.toString());
      disk.device = run("losetup", "-f", "--show", image.toString()).trim();
      run("mount", disk.device, disk.mount.toString());
      return disk;
    } catch (IOException | InterruptedException | RuntimeException e) {
      disk.close();
      throw e;
    }
  }

  Path dir() {
    return mount;
  }

  @Override
  public void close() throws IOException, InterruptedException {
    try {
      if (Tmpfs.isMountPoint(mount)) {
        run("umount", mount.toString());
      }
    } finally {
      try {
        if (device != null) {
          run("losetup", "-d", device);
        }
      } finally {
        backing.close();
      }
    }
  }
}
