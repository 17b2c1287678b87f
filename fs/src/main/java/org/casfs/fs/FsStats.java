package org.casfs.fs;

/** What {@code statfs} reports: sizes in {@code blockSize} units, the longest name. */
public record FsStats(long blockSize, long blocks, long blocksFree, long blocksAvailable, long files,
    long filesFree, int nameMax) {

  /** The space of the filesystem holding {@code path} (where a repository's data goes); zeros for null. */
  public static FsStats of(java.nio.file.Path path) throws java.io.IOException {
    if (path == null) {
      return new FsStats(4096, 0, 0, 0, 0, 0, 255);
    }
    java.nio.file.FileStore fs = java.nio.file.Files.getFileStore(path);
    long bs = 4096;
    return new FsStats(bs, fs.getTotalSpace() / bs, fs.getUnallocatedSpace() / bs, fs.getUsableSpace() / bs,
        0, 0, 255);
  }
}
