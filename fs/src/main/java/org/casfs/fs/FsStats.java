package org.casfs.fs;

/** What {@code statfs} reports: sizes in {@code blockSize} units, the longest name. */
public record FsStats(long blockSize, long blocks, long blocksFree, long blocksAvailable, long files,
    long filesFree, int nameMax) {}
