package org.casfs.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.casfs.cas.ObjectId;

/**
 * The contents of recently read blobs, kept open for reads that arrive without a file handle (the
 * kernel opens and closes files of a read-only mount without asking, so a read names only a
 * node, which names a blob). Keyed by
 * blob id; the least recently read is closed when more than {@code max} are open. A read that
 * meets a content closed by that eviction opens it again. Thread-safe.
 */
final class OpenContents {
  /** Opens (and verifies) the content of a blob. */
  interface Opener {
    FileContent open() throws IOException;
  }

  private final LinkedHashMap<ObjectId, FileContent> open;

  OpenContents(int max) {
    this.open = new LinkedHashMap<>(64, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<ObjectId, FileContent> eldest) {
        if (size() <= max) {
          return false;
        }
        closeQuietly(eldest.getValue());
        return true;
      }
    };
  }

  /** Reads from the content of {@code blob}, opening it with {@code opener} if it is not open. */
  int read(ObjectId blob, Opener opener, long offset, ByteBuffer dst) throws IOException {
    for (int attempt = 0; ; attempt++) {
      FileContent c;
      synchronized (open) {
        c = open.get(blob);
      }
      if (c == null) {
        c = opener.open();
        FileContent raced;
        synchronized (open) {
          raced = open.putIfAbsent(blob, c);
        }
        if (raced != null) {
          closeQuietly(c);
          c = raced;
        }
      }
      try {
        return c.read(offset, dst.duplicate());
      } catch (ClosedChannelException evicted) {
        if (attempt > 0) {
          throw evicted;
        }
        synchronized (open) {
          open.remove(blob, c);
        }
      }
    }
  }

  void closeAll() {
    synchronized (open) {
      open.values().forEach(OpenContents::closeQuietly);
      open.clear();
    }
  }

  private static void closeQuietly(FileContent c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // a read-only channel has nothing to lose on close
    }
  }
}
