package org.casfs.fs;

import java.util.StringJoiner;

/** The FUSE request opcodes (include/uapi/linux/fuse.h) and their names, for request statistics. */
final class FuseOpcodes {
  private static final String[] NAMES = new String[64];
  static final int LOOKUP = 1;
  static final int FORGET = 2;
  static final int GETATTR = 3;
  static final int SETATTR = 4;
  static final int READLINK = 5;
  static final int SYMLINK = 6;
  static final int MKNOD = 8;
  static final int MKDIR = 9;
  static final int UNLINK = 10;
  static final int RMDIR = 11;
  static final int RENAME = 12;
  static final int LINK = 13;
  static final int OPEN = 14;
  static final int READ = 15;
  static final int WRITE = 16;
  static final int STATFS = 17;
  static final int RELEASE = 18;
  static final int FSYNC = 20;
  static final int SETXATTR = 21;
  static final int GETXATTR = 22;
  static final int LISTXATTR = 23;
  static final int REMOVEXATTR = 24;
  static final int FLUSH = 25;
  static final int INIT = 26;
  static final int OPENDIR = 27;
  static final int READDIR = 28;
  static final int RELEASEDIR = 29;
  static final int FSYNCDIR = 30;
  static final int ACCESS = 34;
  static final int CREATE = 35;
  static final int INTERRUPT = 36;
  static final int DESTROY = 38;
  static final int BATCH_FORGET = 42;
  static final int FALLOCATE = 43;
  static final int RENAME2 = 45;
  static final int COPY_FILE_RANGE = 47;
  static final int TMPFILE = 51;
  /**
   * Requests answered from decoded trees and handles, seldom touching the disk: LOOKUP, FORGET,
   * GETATTR, READLINK, STATFS, RELEASE, GETXATTR, LISTXATTR, FLUSH, OPENDIR, READDIR, RELEASEDIR,
   * ACCESS, INTERRUPT, BATCH_FORGET.
   */
  private static final boolean[] QUICK = new boolean[64];

  static {
    String[][] known = {
        {"1", "LOOKUP"}, {"2", "FORGET"}, {"3", "GETATTR"}, {"4", "SETATTR"}, {"5", "READLINK"},
        {"6", "SYMLINK"}, {"8", "MKNOD"}, {"9", "MKDIR"}, {"10", "UNLINK"}, {"11", "RMDIR"},
        {"12", "RENAME"}, {"13", "LINK"}, {"14", "OPEN"}, {"15", "READ"}, {"16", "WRITE"},
        {"17", "STATFS"}, {"18", "RELEASE"}, {"20", "FSYNC"}, {"21", "SETXATTR"}, {"22", "GETXATTR"},
        {"23", "LISTXATTR"}, {"24", "REMOVEXATTR"}, {"25", "FLUSH"}, {"26", "INIT"}, {"27", "OPENDIR"},
        {"28", "READDIR"}, {"29", "RELEASEDIR"}, {"30", "FSYNCDIR"}, {"34", "ACCESS"}, {"35", "CREATE"},
        {"36", "INTERRUPT"}, {"38", "DESTROY"}, {"42", "BATCH_FORGET"}, {"43", "FALLOCATE"},
        {"44", "READDIRPLUS"}, {"46", "LSEEK"}};
    for (String[] k : known) {
      NAMES[Integer.parseInt(k[0])] = k[1];
    }
    // OPEN and READ too: a writable mount's transaction serves one request at a time, so a read
    // that waits on the disk holds the others up whichever thread serves it, and handing the device
    // to another thread first only cost a wake-up: reading v1's /usr through a writable mount took
    // 0.61-1.02 s instead of 0.93-1.13 s (two readers at once: 0.61-0.87 s instead of 0.87-1.05).
    for (int op : new int[] {1, 2, 3, 5, 14, 15, 17, 18, 22, 23, 25, 27, 28, 29, 34, 36, 42}) {
      QUICK[op] = true; // a table, not a set: asked once per request, on the request thread
    }
  }

  private FuseOpcodes() {}

  /**
   * True for requests a writable mount's request thread serves itself: those usually answered
   * from memory (metadata), and opens and reads (see the table). False for those that change the
   * tree (creates, renames, ...) and for writes and setattrs, but see {@link #quickByContent}.
   */
  static boolean usuallyQuick(int opcode) {
    return opcode >= 0 && opcode < QUICK.length && QUICK[opcode];
  }

  /** Where {@code fuse_write_in.size} lies in a WRITE request: after the 40-byte header, fh and offset. */
  private static final int WRITE_SIZE_OFFSET = 40 + 8 + 8;
  /** Where {@code fuse_setattr_in.valid} lies in a SETATTR request: just after the header. */
  private static final int SETATTR_VALID_OFFSET = 40;
  /** {@code FATTR_SIZE}: the SETATTR changes the size (a truncate, which may copy a file up). */
  private static final int FATTR_SIZE = 1 << 3;
  /** The largest write answered on the thread that read it (see {@link #quickByContent}). */
  static final int SMALL_WRITE = 32 * 1024;

  /**
   * True for the requests that are quick by what they carry: a WRITE of at most {@value
   * #SMALL_WRITE} bytes (it goes to the page cache and returns; bulk writes come in larger pieces,
   * up to max_write, and only those may wait for the kernel to write back dirty pages), and a
   * SETATTR that leaves the size alone (chmod, chown, utimes: a journal record). A program writing
   * many small files (tar, dpkg, a compiler) sends one WRITE per {@code write(2)} and three
   * SETATTRs a file. (Treating creates, mkdirs and symlinks alike made that workload slower:
   * 3.85-4.11 s against 2.33-2.61, tools/bench/writable-tar.sh.)
   */
  static boolean quickByContent(int opcode, jnr.ffi.Pointer request) {
    return opcode == WRITE && Integer.toUnsignedLong(request.getInt(WRITE_SIZE_OFFSET)) <= SMALL_WRITE
        || opcode == SETATTR && (request.getInt(SETATTR_VALID_OFFSET) & FATTR_SIZE) == 0;
  }

  /** "LOOKUP 12, OPEN 3, ..." for the non-zero counts, total first. */
  static String describe(long[] counts) {
    long total = 0;
    StringJoiner j = new StringJoiner(", ");
    for (int op = 0; op < counts.length; op++) {
      if (counts[op] != 0) {
        total += counts[op];
        j.add((op == 0 ? "other" : NAMES[op] != null ? NAMES[op] : "op" + op) + " " + counts[op]);
      }
    }
    return total + ": " + j;
  }
}
