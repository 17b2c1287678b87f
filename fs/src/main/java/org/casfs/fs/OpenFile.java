package org.casfs.fs;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.casfs.cas.Entry;
import org.casfs.cas.ObjectId;

/**
 * A regular file opened in one version: keeps reading that version's bytes whatever the mount
 * switches to meanwhile. Thread-safe.
 */
public final class OpenFile implements Closeable {
  private final byte[] path;
  private final ObjectId version;
  private final Entry entry;
  private final Attr attr;
  private final FileContent content;

  OpenFile(byte[] path, ObjectId version, Entry entry, Attr attr, FileContent content) {
    this.path = path;
    this.version = version;
    this.entry = entry;
    this.attr = attr;
    this.content = content;
  }

  public byte[] path() {
    return path.clone();
  }

  /** The version this file was opened in. */
  public ObjectId version() {
    return version;
  }

  public Attr attr() {
    return attr;
  }

  public ObjectId blobId() {
    return entry.childId();
  }

  public long size() {
    return content.size();
  }

  /** See {@link FileContent#read}: clamped at the end, 0 past it. */
  public int read(long offset, ByteBuffer dst) throws IOException {
    return content.read(offset, dst);
  }

  @Override
  public void close() throws IOException {
    content.close();
  }
}
