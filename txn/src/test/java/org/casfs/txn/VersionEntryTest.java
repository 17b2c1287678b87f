package org.casfs.txn;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.casfs.cas.ObjectId;
import org.junit.jupiter.api.Test;

class VersionEntryTest {
  private static final ObjectId ID = ObjectId.fromString("0123456789abcdef0123456789abcdef01234567");

  @Test
  void roundTrips() {
    VersionEntry e = new VersionEntry(ID, 1_700_000_000_000L, 42, 7);
    assertThat(VersionEntry.decode(ID.toRaw(), e.encode())).isEqualTo(e);
  }

  @Test
  void anEntryWrittenBeforeTheOrderWasKeptReadsAsOrderZero() {
    byte[] old = ByteBuffer.allocate(16).putLong(1_700_000_000_000L).putLong(42).array();
    assertThat(VersionEntry.decode(ID.toRaw(), old)).isEqualTo(new VersionEntry(ID, 1_700_000_000_000L, 42, 0));
  }
}
