package org.casfs.fs;

import static org.assertj.core.api.Assertions.assertThat;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import org.casfs.cas.Hashes;
import org.casfs.txn.Transaction.FileBytes;
import org.junit.jupiter.api.Test;
import ru.serce.jnrfuse.struct.FuseFileInfo;

class KeptPagesTest {
  private static FileBytes blob(long transaction, int b) {
    return new FileBytes(transaction, 0, Hashes.of(new byte[] {(byte) b}), -1, 0);
  }

  @Test
  void aPathKeepsItsPagesOnlyWhenItHeldTheSameBytesAtTheOpenBefore() {
    KeptPages kept = new KeptPages();
    assertThat(kept.opened("/a", blob(1, 1))).as("first open").isFalse();
    assertThat(kept.opened("/a", blob(1, 1))).isTrue();
    assertThat(kept.opened("/a", blob(1, 2))).as("other bytes").isFalse();
    assertThat(kept.opened("/a", blob(2, 2))).as("another transaction").isFalse();
    assertThat(kept.opened("/a", null)).as("served apart").isFalse();
    assertThat(kept.opened("/a", blob(2, 2))).as("served apart at the open before").isFalse();
    assertThat(kept.opened("/a", blob(2, 2))).isTrue();
  }

  @Test
  void forgettingAPathForgetsEverythingUnderItAndNothingBeside() {
    KeptPages kept = new KeptPages();
    for (String p : new String[] {"/d", "/d/x", "/d/e/y", "/d2", "/d-z", "/e"}) {
      kept.opened(p, blob(1, 1));
    }
    kept.forget("/d");
    assertThat(kept.opened("/d", blob(1, 1))).isFalse();
    assertThat(kept.opened("/d/x", blob(1, 1))).isFalse();
    assertThat(kept.opened("/d/e/y", blob(1, 1))).isFalse();
    assertThat(kept.opened("/d2", blob(1, 1))).isTrue();
    assertThat(kept.opened("/d-z", blob(1, 1))).isTrue();
    assertThat(kept.opened("/e", blob(1, 1))).isTrue();
    kept.forget("/");
    assertThat(kept.opened("/e", blob(1, 1))).isFalse();
  }

  @Test
  void pastItsBoundItForgetsAllAndKeepsNothingWrong() {
    KeptPages kept = new KeptPages();
    for (int i = 0; i < KeptPages.MAX_PATHS; i++) {
      kept.opened("/f" + i, blob(1, 1));
    }
    assertThat(kept.opened("/f0", blob(1, 1))).as("past the bound: forgotten").isFalse();
    assertThat(kept.opened("/f0", blob(1, 1))).isTrue();
  }

  /** libfuse 2's struct fuse_file_info: keep_cache is bit 1 of the word at 20, before fh at 24. */
  @Test
  void keepCacheSetsItsBitOfTheFileInfoAndNothingElse() {
    Pointer mem = Memory.allocateDirect(jnr.ffi.Runtime.getSystemRuntime(), 40, true);
    FuseFileInfo fi = FuseFileInfo.of(mem);
    fi.fh.set(0x1122334455667788L);
    FuseFlags.keepCache(fi);
    assertThat(mem.getInt(20)).isEqualTo(2);
    assertThat(mem.getLong(24)).isEqualTo(0x1122334455667788L);
    assertThat(mem.getInt(0) | mem.getLong(8) | mem.getInt(16) | mem.getLong(32)).isZero();
  }
}
