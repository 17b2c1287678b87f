package org.casfs.fs;

import static org.assertj.core.api.Assertions.assertThat;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import org.junit.jupiter.api.Test;

/** Which requests a writable mount's request thread serves itself, read from the request's bytes. */
class FuseOpcodesTest {
  private static final int FATTR_MODE = 1;
  private static final int FATTR_SIZE = 1 << 3;
  private static final int FATTR_MTIME = 1 << 5;

  @Test
  void smallWritesAreQuickAndLargeOnesAreNot() {
    assertThat(FuseOpcodes.quickByContent(FuseOpcodes.WRITE, write(4096))).isTrue();
    assertThat(FuseOpcodes.quickByContent(FuseOpcodes.WRITE, write(FuseOpcodes.SMALL_WRITE))).isTrue();
    assertThat(FuseOpcodes.quickByContent(FuseOpcodes.WRITE, write(FuseOpcodes.SMALL_WRITE + 1))).isFalse();
    assertThat(FuseOpcodes.quickByContent(FuseOpcodes.WRITE, write(128 * 1024))).isFalse();
    assertThat(FuseOpcodes.quickByContent(FuseOpcodes.WRITE, write(-1))).as("size is unsigned").isFalse();
  }

  @Test
  void setattrsThatKeepTheSizeAreQuickATruncateIsNot() {
    assertThat(FuseOpcodes.quickByContent(FuseOpcodes.SETATTR, setattr(FATTR_MODE))).isTrue();
    assertThat(FuseOpcodes.quickByContent(FuseOpcodes.SETATTR, setattr(FATTR_MTIME))).isTrue();
    assertThat(FuseOpcodes.quickByContent(FuseOpcodes.SETATTR, setattr(FATTR_SIZE))).isFalse();
    assertThat(FuseOpcodes.quickByContent(FuseOpcodes.SETATTR, setattr(FATTR_SIZE | FATTR_MTIME))).isFalse();
  }

  @Test
  void otherRequestsAreNotJudgedByContent() {
    assertThat(FuseOpcodes.quickByContent(FuseOpcodes.READ, write(4096))).isFalse();
    assertThat(FuseOpcodes.quickByContent(FuseOpcodes.CREATE, setattr(FATTR_MODE))).isFalse();
  }

  /** A WRITE request: fuse_in_header (40 bytes), then fuse_write_in {fh, offset, size, ...}. */
  private static Pointer write(int size) {
    Pointer p = request();
    p.putInt(40 + 16, size);
    return p;
  }

  /** A SETATTR request: fuse_in_header, then fuse_setattr_in {valid, padding, fh, size, ...}. */
  private static Pointer setattr(int valid) {
    Pointer p = request();
    p.putInt(40, valid);
    return p;
  }

  private static Pointer request() {
    return Memory.allocateDirect(Runtime.getSystemRuntime(), 128, true);
  }
}
