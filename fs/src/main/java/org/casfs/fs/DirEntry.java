package org.casfs.fs;

/**
 * One name a directory listing returns, with the file's attributes (so {@code find} and
 * {@code ls} get the type and inode without a stat per entry) and the offset to resume after
 * it.
 */
public record DirEntry(byte[] name, Attr attr, long nextOffset) {}
