package org.casfs.txn;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.casfs.cas.ObjectId;
import org.casfs.cas.store.Repository;

/**
 * Range reads of stored blobs. A loose blob is verified against its id once (a full streaming
 * read) the first time this process reads a range of it; after that ranges come straight from
 * the read-only loose file. Inline blobs are small and read (verified) whole. Thread-safe.
 */
final class BlobRanges {
  private static final Set<ObjectId> VERIFIED = ConcurrentHashMap.newKeySet();

  private BlobRanges() {
  }

  static int read(Repository repo, ObjectId blob, long offset, ByteBuffer dst, int want) throws IOException {
    Path loose = repo.objects().loosePathOrNull(blob);
    if (loose == null) {
      byte[] all = repo.objects().read(blob);
      int n = (int) Math.max(0, Math.min(want, all.length - offset));
      dst.put(all, (int) offset, n);
      return n;
    }
    if (!VERIFIED.contains(blob)) {
      try (InputStream in = repo.objects().open(blob)) {
        in.transferTo(java.io.OutputStream.nullOutputStream());
      }
      VERIFIED.add(blob);
    }
    try (FileChannel ch = FileChannel.open(loose, StandardOpenOption.READ)) {
      ByteBuffer slice = dst.slice().limit(want);
      int total = 0;
      while (slice.hasRemaining()) {
        int r = ch.read(slice, offset + total);
        if (r < 0) {
          break;
        }
        total += r;
      }
      dst.position(dst.position() + total);
      return total;
    }
  }

  /** Writes the first {@code length} bytes of {@code blob} (fewer if it is shorter) to {@code out} from offset 0. */
  static void copyPrefix(Repository repo, ObjectId blob, long length, FileChannel out) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
    for (long at = 0; at < length; ) {
      buf.clear().limit((int) Math.min(buf.capacity(), length - at));
      int r = read(repo, blob, at, buf, buf.remaining());
      if (r <= 0) {
        break;
      }
      buf.flip();
      while (buf.hasRemaining()) {
        at += out.write(buf, at);
      }
    }
  }
}
