package org.casfs.fs;

import jnr.ffi.Pointer;
import jnr.ffi.Struct;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.FuseOperations;

/**
 * The flag bits of libfuse 2's structs that jnr-fuse declares only as padding (bit 0 first on
 * x86-64 and aarch64, as gcc lays out bit-fields): {@code struct fuse_operations}'s {@code
 * unsigned flag_nullpath_ok:1, flag_nopath:1, flag_utime_omit_ok:1} in one word after {@code
 * bmap}, and {@code struct fuse_file_info}'s {@code unsigned direct_io:1, keep_cache:1, ...} in
 * the word before {@code fh}. Stateless.
 */
final class FuseFlags {
  private static final int NULLPATH_OK = 1;
  private static final int UTIME_OMIT_OK = 1 << 2;
  private static final int KEEP_CACHE = 1 << 1;

  private FuseFlags() {}

  /** Reaches jnr's member offsets, which only a struct's subclasses may name. */
  private static final class Offsets extends Struct {
    private Offsets() {
      super(jnr.ffi.Runtime.getSystemRuntime());
    }

    static long of(AbstractMember m) {
      return m.offset();
    }

    static long of(NumberField m) {
      return m.offset();
    }
  }

  /**
   * Tells libfuse that calls on an open file may come without a path ({@code flag_nullpath_ok}),
   * so that with {@code hard_remove} an unlinked open file is still served by its handle rather
   * than refused; and that {@code utimens} takes {@code UTIME_NOW} and {@code UTIME_OMIT} for
   * each time ({@code flag_utime_omit_ok}): without it libfuse 2 drops a utimensat that sets the
   * mtime alone (atime {@code UTIME_OMIT}).
   */
  static void set(FuseOperations ops) {
    Pointer mem = Struct.getMemory(ops);
    long at = Offsets.of(ops.flag_nullpath_ok);
    mem.putInt(at, mem.getInt(at) | NULLPATH_OK | UTIME_OMIT_OK);
  }

  /**
   * Tells the kernel to keep the pages it cached of this file at earlier opens ({@code
   * keep_cache}, {@code FOPEN_KEEP_CACHE}) rather than drop them as the open is answered: for an
   * {@code open} whose file has the same bytes as then ({@link KeptPages}).
   */
  static void keepCache(FuseFileInfo fi) {
    Pointer mem = Struct.getMemory(fi);
    long at = Offsets.of(fi.fh) - 4;
    mem.putInt(at, mem.getInt(at) | KEEP_CACHE);
  }
}
