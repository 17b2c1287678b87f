package org.casfs.fs;

import jnr.ffi.Pointer;
import jnr.ffi.Struct;
import ru.serce.jnrfuse.struct.FuseOperations;

/**
 * The flag bits of libfuse 2's {@code struct fuse_operations}, which jnr-fuse declares only as
 * padding: {@code unsigned flag_nullpath_ok:1, flag_nopath:1, flag_utime_omit_ok:1} in one word
 * after {@code bmap} (bit 0 first on x86-64 and aarch64, as gcc lays out bit-fields). Stateless.
 */
final class FuseFlags {
  private static final int NULLPATH_OK = 1;
  private static final int UTIME_OMIT_OK = 1 << 2;

  private FuseFlags() {}

  /** Reaches jnr's member offsets, which only a struct's subclasses may name. */
  private static final class Offsets extends Struct {
    private Offsets() {
      super(jnr.ffi.Runtime.getSystemRuntime());
    }

    static long of(AbstractMember m) {
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
}
