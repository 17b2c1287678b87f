package org.casfs.txn;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.casfs.cas.store.Repository;

/**
 * The changed file contents of one transaction: plain files {@code REPO/staging/txn-ID/N}, one
 * per changed inode, kept open in a bounded LRU of channels. Guarded by the transaction's monitor.
 */
final class DataFiles {
  private static final int MAX_OPEN = 128;

  private final Repository repo;
  private final Path dir;
  private final Map<Integer, FileChannel> open = new LinkedHashMap<>(16, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<Integer, FileChannel> eldest) {
      if (size() <= MAX_OPEN) {
        return false;
      }
      try {
        eldest.getValue().close();
      } catch (IOException e) {
        // Closing only drops our handle; the file and what was written to it stay.
      }
      return true;
    }
  };

  DataFiles(Repository repo, Path dir) {
    this.repo = repo;
    this.dir = dir;
  }

  Path path(int data) {
    return dir.resolve(Integer.toString(data));
  }

  /** A new empty data file (replacing a leftover of a crash that never reached the journal). */
  void create(int data) throws IOException {
    Files.deleteIfExists(path(data));
    Files.createFile(path(data));
  }

  /**
   * Copies (at most {@code limit} bytes of) a base file's content into data file {@code data},
   * complete before any op names it. A truncation copies only what survives it, so the usual
   * "truncate to 0, write anew" copies nothing.
   */
  void copyUp(Node n, long limit, int data) throws IOException {
    Path tmp = dir.resolve(data + ".tmp");
    try {
      copy(n, limit, tmp);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp); // cut short (a full disk): its bytes would stay until the commit
      throw e;
    }
    Files.move(tmp, path(data), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private void copy(Node n, long limit, Path tmp) throws IOException {
    if (limit >= n.size) {
      try (InputStream in = repo.objects().open(n.blob.id())) {
        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      }
    } else {
      try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        BlobRanges.copyPrefix(repo, n.blob.id(), limit, out);
      }
    }
  }

  FileChannel channel(int data) throws IOException {
    FileChannel ch = open.get(data);
    if (ch == null) {
      ch = FileChannel.open(path(data), StandardOpenOption.READ, StandardOpenOption.WRITE);
      open.put(data, ch);
    }
    return ch;
  }

  /** Closes and deletes a data file that no inode names any more. */
  void delete(int data) throws IOException {
    FileChannel ch = open.remove(data);
    if (ch != null) {
      ch.close();
    }
    Files.deleteIfExists(path(data));
  }

  /** fsync of every open data file and of the directory (closed ones were written before). */
  void force() throws IOException {
    for (FileChannel ch : open.values()) {
      ch.force(true);
    }
    org.casfs.cas.store.Fsync.directory(dir);
  }

  void closeAll() throws IOException {
    for (FileChannel ch : open.values()) {
      ch.close();
    }
    open.clear();
  }

  /** Cuts or extends every data file the tree names to its node's size. */
  void normalize(Node root) throws IOException {
    normalize(root, Collections.newSetFromMap(new IdentityHashMap<>()));
  }

  private void normalize(Node n, Set<Node> seen) throws IOException {
    if (!seen.add(n)) {
      return;
    }
    if (n.isDir() && n.children != null) {
      for (Node c : new TreeMap<>(n.children).values()) {
        normalize(c, seen);
      }
    } else if (n.data >= 0) {
      if (!Files.exists(path(n.data))) {
        Files.createFile(path(n.data));
      }
      FileChannel ch = channel(n.data);
      if (ch.size() > n.size) {
        ch.truncate(n.size);
      } else if (ch.size() < n.size) {
        ch.write(ByteBuffer.allocate(1), n.size - 1);
      }
    }
  }
}
