package org.casfs.txn;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Room kept on the repository's disk for the journal records that free space. RocksDB stops taking
 * writes after a log write fails for want of room, until the database is reopened: a writable
 * mount whose disk a copy had filled to the last byte then refused even the {@code rm} that would
 * have freed it. So a change that takes room (a write, a new file, an xattr) is refused with
 * ENOSPC while the disk has less than {@link #KEPT} bytes free after it, before anything is
 * written; an unlink, rmdir, truncate or xattr removal still gets its record written. Another
 * program may still fill the disk to the last byte (fs/README.md). Thread-safe.
 */
final class JournalRoom {
  /** Enough for thousands of records; the usual full disk is a data write, far larger. */
  static final long KEPT = 1L << 20;

  /** How long a reading of the disk's free space is trusted (another program may fill it). */
  private static final long READING_NANOS = 1_000_000_000L;

  private final Path repoDir;
  private volatile FileStore disk;
  /**
   * Bytes changes may still take before the disk is asked again: half of what the last reading
   * left above the kept room. A tar through the mount journals ~130,000 changes, and a statvfs for
   * each made it ~8% slower; with gigabytes free the disk is asked about once a second, and close
   * to the kept room at every change.
   */
  private long budget;
  private long readAtNanos;

  JournalRoom(Path repoDir) {
    this.repoDir = repoDir;
  }

  /** Refuses {@code op} (its journal record {@code recordBytes} long) if it would eat into the kept room. */
  synchronized void require(Op op, int recordBytes) throws IOException {
    if (frees(op.kind()) || op.kind() == Op.Kind.GRAFT || op.kind() == Op.Kind.IMPORT_STARTED) {
      return; // an import checks its room itself, and says so as the commands do
    }
    long takes = recordBytes + (op.kind() == Op.Kind.WRITE ? Math.max(0, op.n2()) : 0);
    long now = System.nanoTime();
    if (takes <= budget && now - readAtNanos < READING_NANOS) {
      budget -= takes;
      return;
    }
    long free = disk().getUsableSpace();
    readAtNanos = now;
    if (free < takes + KEPT) {
      budget = 0;
      throw new FsException(Errno.ENOSPC, op.path(), "the repository's disk has " + free + " bytes free, and "
          + KEPT + " are kept so that files can still be removed; free space on it");
    }
    budget = (free - KEPT - takes) / 2;
  }

  /**
   * Whether the disk has less room than {@link Transaction#UNNAMED_BYTES_BEFORE_SYNC}, the deleted
   * bytes a transaction otherwise lets gather before it syncs and frees them.
   */
  boolean isShort() throws IOException {
    return disk().getUsableSpace() < Transaction.UNNAMED_BYTES_BEFORE_SYNC;
  }

  private static boolean frees(Op.Kind kind) {
    return kind == Op.Kind.UNLINK || kind == Op.Kind.RMDIR || kind == Op.Kind.TRUNCATE
        || kind == Op.Kind.REMOVEXATTR;
  }

  private FileStore disk() throws IOException {
    FileStore d = disk;
    if (d == null) {
      d = Files.getFileStore(repoDir);
      disk = d;
    }
    return d;
  }
}
